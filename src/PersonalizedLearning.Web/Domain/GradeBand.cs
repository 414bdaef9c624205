using System.Globalization;

namespace PersonalizedLearning.Web.Domain;

/// <summary>Grade-level text on standards: "" (all), "7", or a range "6-12".</summary>
public static class GradeBand
{
    public static bool Includes(string gradeLevels, int grade)
    {
        if (string.IsNullOrWhiteSpace(gradeLevels))
        {
            return true;
        }
        foreach (var part in gradeLevels.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var ends = part.Split('-', StringSplitOptions.TrimEntries);
            if (int.TryParse(ends[0], CultureInfo.InvariantCulture, out var low)
                && int.TryParse(ends[^1], CultureInfo.InvariantCulture, out var high)
                && grade >= low && grade <= high)
            {
                return true;
            }
        }
        return false;
    }
}
