using System.Globalization;
using Microsoft.Extensions.Localization;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Resources;

namespace PersonalizedLearning.Web.Features.Advisory;

/// <summary>Turns a flag's stored facts into its reason in plain words, in the reader's language.</summary>
public static class FlagText
{
    public static string Title(IStringLocalizer<Text> t, FlagRule rule) => t[$"Flag.{rule}"];

    public static string Reason(IStringLocalizer<Text> t, FlagView flag)
    {
        var f = flag.Facts.Select(Date).ToList();
        string At(int i) => i < f.Count ? f[i] : "";
        return flag.Rule switch
        {
            FlagRule.NoCheckIn when At(1) == "" => t["Flag.NoCheckIn.WhyNever", At(0)],
            FlagRule.NoEvidence when At(1) == "" => t["Flag.NoEvidence.WhyNever", At(0)],
            FlagRule.MasteryFalling or FlagRule.GoalsPastTarget => t[$"Flag.{flag.Rule}.Why", string.Join("; ", f)],
            _ => t[$"Flag.{flag.Rule}.Why", [.. f]],
        };
    }

    /// <summary>yyyy-MM-dd (also inside "Goal (yyyy-MM-dd)") shown as the reader's short date.</summary>
    private static string Date(string fact) =>
        System.Text.RegularExpressions.Regex.Replace(fact, @"\d{4}-\d{2}-\d{2}", m =>
            DateOnly.TryParseExact(m.Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
                ? d.ToString("d", CultureInfo.CurrentCulture) : m.Value);

    public static string Short(DateOnly day) => day.ToString("d", CultureInfo.CurrentCulture);

    public static string Short(DateTimeOffset at) => at.ToLocalTime().ToString("d", CultureInfo.CurrentCulture);
}
