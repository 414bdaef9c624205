using System.Globalization;
using Microsoft.Extensions.Localization;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Resources;

namespace PersonalizedLearning.Web.Features.Plans;

/// <summary>Plain words for plan fields and values, for history and conflicts ("Goal “Fractions” — target date").</summary>
public sealed class PlanText(IStringLocalizer<Text> l, PlanContent content, IReadOnlyList<StandardOption> standards)
{
    public string Field(string field)
    {
        var parts = field.Split(':');
        return parts[0] switch
        {
            "goal" => $"{l["Goal"]} “{GoalTitle(parts[1])}” — {l[$"GoalField.{parts[2]}"]}",
            "milestone" => $"{l["Milestone"]} “{MilestoneTitle(parts[1])}” — {l[$"MilestoneField.{parts[2]}"]}",
            _ => l[$"PlanField.{parts[0]}"],
        };
    }

    public string Value(string field, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "—";
        }
        var part = field.Split(':')[^1];
        return part switch
        {
            "exists" => value == "1" ? l["Added"] : l["Removed"],
            "target" or "due" or "completed" => DateOnly.Parse(value, CultureInfo.InvariantCulture).ToString("d", CultureInfo.CurrentCulture),
            "status" => l[$"GoalStatus.{value}"],
            "standards" => string.Join(", ", value.Split(',').Select(id => standards.FirstOrDefault(s => s.Id.ToString(CultureInfo.InvariantCulture) == id)?.Code ?? id)),
            _ => value,
        };
    }

    /// <summary>Changes worth showing: the order of goals is not news.</summary>
    public static bool Shown(PlanChange change) => !change.Field.EndsWith(":order", StringComparison.Ordinal);

    private string GoalTitle(string id) =>
        content.Goals.FirstOrDefault(g => g.Id.ToString(CultureInfo.InvariantCulture) == id)?.Title is { Length: > 0 } t ? t : l["NewGoal"];

    private string MilestoneTitle(string id) =>
        content.Milestones.FirstOrDefault(m => m.Id.ToString(CultureInfo.InvariantCulture) == id)?.Title is { Length: > 0 } t ? t : l["NewMilestone"];
}
