using System.Globalization;

namespace PersonalizedLearning.Web.Domain;

/// <summary>One row of the district's report-card conversion: mastery scores From–To (inclusive) give Grade.</summary>
public sealed class ReportCardBand
{
    public int Id { get; set; }
    public int DistrictId { get; set; }
    public decimal From { get; set; }
    public decimal To { get; set; }
    public required string Grade { get; set; }
}

/// <summary>A problem with a conversion table: a text key, its arguments and the row (1-based) when it is about one.</summary>
public sealed record ReportCardProblem(string Key, params object[] Args);

/// <summary>
/// Converts a mastery score to a report-card grade, shown beside the mastery level, never instead of it. Bounds have
/// two decimals (3.5–4 → A, 2.5–3.49 → B): a score is rounded half away from zero to two decimals before matching,
/// so 3.495 counts as 3.50. Pure.
/// </summary>
public static class ReportCardConversion
{
    public const int MaxGradeLength = 10;
    public const decimal Step = 0.01m;

    /// <summary>The grade for a score; null when there is no score yet or no row covers it.</summary>
    public static string? GradeFor(decimal? score, IEnumerable<ReportCardBand> bands)
    {
        if (score is null)
        {
            return null;
        }
        var s = Math.Round(score.Value, 2, MidpointRounding.AwayFromZero);
        return bands.Where(b => s >= b.From && s <= b.To).OrderByDescending(b => b.From).Select(b => b.Grade).FirstOrDefault();
    }

    /// <summary>
    /// Every problem with a table for a scale running from <paramref name="scaleMin"/> to <paramref name="scaleMax"/>:
    /// each row needs a grade and From ≤ To on two decimals; rows must not overlap, leave no gap and cover the scale.
    /// An empty table is valid (no conversion shown).
    /// </summary>
    public static IReadOnlyList<ReportCardProblem> Validate(IReadOnlyList<ReportCardBand> bands, decimal scaleMin, decimal scaleMax)
    {
        var problems = new List<ReportCardProblem>();
        if (bands.Count == 0)
        {
            return problems;
        }
        for (var i = 0; i < bands.Count; i++)
        {
            var b = bands[i];
            if (string.IsNullOrWhiteSpace(b.Grade) || b.Grade.Trim().Length > MaxGradeLength)
            {
                problems.Add(new("Grades.Problem.Grade", i + 1, MaxGradeLength));
            }
            if (decimal.Round(b.From, 2) != b.From || decimal.Round(b.To, 2) != b.To)
            {
                problems.Add(new("Grades.Problem.Decimals", i + 1));
            }
            if (b.From > b.To)
            {
                problems.Add(new("Grades.Problem.FromAfterTo", i + 1, Format(b.From), Format(b.To)));
            }
        }
        if (problems.Count > 0)
        {
            return problems;
        }
        var ordered = bands.Select((b, i) => (Band: b, Row: i + 1)).OrderBy(x => x.Band.From).ToList();
        for (var i = 1; i < ordered.Count; i++)
        {
            var (prev, cur) = (ordered[i - 1], ordered[i]);
            if (cur.Band.From <= prev.Band.To)
            {
                problems.Add(new("Grades.Problem.Overlap", prev.Row, cur.Row, Format(cur.Band.From), Format(prev.Band.To)));
            }
            else if (cur.Band.From > prev.Band.To + Step)
            {
                problems.Add(new("Grades.Problem.Gap", Format(prev.Band.To + Step), Format(cur.Band.From - Step)));
            }
        }
        if (ordered[0].Band.From > scaleMin)
        {
            problems.Add(new("Grades.Problem.Bottom", Format(scaleMin)));
        }
        if (ordered[^1].Band.To < scaleMax)
        {
            problems.Add(new("Grades.Problem.Top", Format(scaleMax)));
        }
        return problems;
    }

    private static string Format(decimal d) => d.ToString("0.00", CultureInfo.InvariantCulture);
}
