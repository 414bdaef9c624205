namespace PersonalizedLearning.Web.Domain;

/// <summary>The allowed parameter of each calculation method and the rules a mastery scale must follow. Pure.</summary>
public static class MasteryMethodRules
{
    /// <summary>The parameter's allowed range and default; null when the method takes no parameter.</summary>
    public static (int Min, int Max, int Default)? ParameterRange(MasteryMethod method) => method switch
    {
        MasteryMethod.DecayingAverage => (50, 99, 65),
        MasteryMethod.WeightedAverage => (1, 99, 65),
        MasteryMethod.NTimesAtMastery => (1, 100, 5),
        _ => null,
    };

    /// <summary>The parameter stored for a method: the given value, or the default when the method has none.</summary>
    public static int Normalize(MasteryMethod method, int parameter) =>
        ParameterRange(method) is null ? 0 : parameter;

    /// <summary>Text keys (with arguments) of every problem with a method, its parameter and a scale; empty when valid.</summary>
    public static IReadOnlyList<(string Key, object[] Args)> Validate(MasteryMethod method, int parameter, IReadOnlyList<ScaleLevel> levels)
    {
        var problems = new List<(string, object[])>();
        if (!Enum.IsDefined(method))
        {
            problems.Add(("MasterySettings.Problem.Method", []));
        }
        else if (ParameterRange(method) is { } range && (parameter < range.Min || parameter > range.Max))
        {
            problems.Add(($"MasterySettings.Problem.Parameter.{method}", [range.Min, range.Max]));
        }
        if (levels.Count < 2)
        {
            problems.Add(("MasterySettings.Problem.TooFewLevels", []));
        }
        if (levels.Count(l => l.IsMastery) != 1)
        {
            problems.Add(("MasterySettings.Problem.OneMastery", []));
        }
        for (var i = 0; i < levels.Count; i++)
        {
            var l = levels[i];
            if (string.IsNullOrWhiteSpace(l.Name) || l.Name.Trim().Length > 100)
            {
                problems.Add(("MasterySettings.Problem.LevelName", [i + 1]));
            }
            if (!IsColor(l.Color))
            {
                problems.Add(("MasterySettings.Problem.LevelColor", [i + 1]));
            }
            if (l.Points < 0 || l.Points > 100 || decimal.Round(l.Points, 3) != l.Points)
            {
                problems.Add(("MasterySettings.Problem.LevelPoints", [i + 1]));
            }
        }
        if (levels.Select(l => l.Points).Distinct().Count() != levels.Count)
        {
            problems.Add(("MasterySettings.Problem.DuplicatePoints", []));
        }
        return problems;
    }

    /// <summary>A colour as #RGB or #RRGGBB.</summary>
    public static bool IsColor(string? color) =>
        color is { Length: 4 or 7 } && color[0] == '#' && color[1..].All(Uri.IsHexDigit);
}

/// <summary>One level of a scale as edited (before it is stored).</summary>
public sealed record ScaleLevel(int? Id, string Name, string Color, decimal Points, bool IsMastery);
