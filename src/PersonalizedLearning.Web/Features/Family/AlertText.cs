using System.Globalization;
using Microsoft.Extensions.Localization;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Infrastructure;
using PersonalizedLearning.Web.Resources;

namespace PersonalizedLearning.Web.Features.Family;

/// <summary>An alert in the reader's language (the current UI culture), built from its stored facts.</summary>
public static class AlertText
{
    public static string Title(IStringLocalizer<Text> t, AlertKind kind) => t[$"Alert.{kind}.Title"];

    public static string Body(IStringLocalizer<Text> t, NotificationView n)
    {
        string At(int i) => i < n.Facts.Count ? n.Facts[i] : "";
        return n.Kind switch
        {
            AlertKind.LevelReached => t["Alert.LevelReached", n.StudentFirstName, t.LevelName(At(1)), At(0)],
            AlertKind.MasteryDropped => t["Alert.MasteryDropped", n.StudentFirstName, At(0), t.LevelName(At(1))],
            AlertKind.NoRecentEvidence => t["Alert.NoRecentEvidence", n.StudentFirstName, At(1), Date(At(0))],
            AlertKind.NoteShared => t["Alert.NoteShared", At(1), n.StudentFirstName, Date(At(0))],
            AlertKind.PlanNeedsAcknowledgement => t["Alert.PlanNeedsAcknowledgement", n.StudentFirstName,
                t[$"PlanStatus.{At(0)}"]],
            AlertKind.NewMessage => t["Alert.NewMessage", At(0), n.StudentFirstName],
            _ => Title(t, n.Kind),
        };
    }

    /// <summary>Where the alert leads: the child's page for a guardian, the thread for a message.</summary>
    public static string Link(NotificationView n, bool guardian, bool student) => n.Kind switch
    {
        AlertKind.NewMessage when guardian => $"parent/children/{n.StudentId}/messages",
        AlertKind.NewMessage => "messages",
        _ when guardian => $"parent/children/{n.StudentId}",
        AlertKind.PlanNeedsAcknowledgement or AlertKind.NoteShared when student => "student/check-in",
        _ when student => "student/mastery",
        _ => $"students/{n.StudentId}",
    };

    private static string Date(string iso) =>
        DateOnly.TryParseExact(iso, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d.ToString("d", CultureInfo.CurrentCulture) : iso;
}
