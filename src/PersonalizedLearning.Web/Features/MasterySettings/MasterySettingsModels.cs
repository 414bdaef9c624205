using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.Web.Features.MasterySettings;

/// <summary>The form for one framework's calculation method and scale, with the version it was read at.</summary>
public sealed class MasterySettingsForm
{
    public int FrameworkId { get; set; }
    public string FrameworkName { get; set; } = "";
    public MasteryMethod Method { get; set; }
    public int Parameter { get; set; }
    public int MethodVersion { get; set; }
    public uint Version { get; set; }
    public List<LevelInput> Levels { get; set; } = [];
    public DateTimeOffset? ChangedAt { get; set; }
    public string? ChangedBy { get; set; }

    /// <summary>Index of the level marked as mastery (the form keeps exactly one).</summary>
    public int MasteryIndex
    {
        get => Levels.FindIndex(l => l.IsMastery);
        set
        {
            for (var i = 0; i < Levels.Count; i++)
            {
                Levels[i].IsMastery = i == value;
            }
        }
    }
}

public sealed class LevelInput
{
    public int? Id { get; set; }
    public string Name { get; set; } = "";
    public string Color { get; set; } = "#90A4AE";
    public decimal Points { get; set; }
    public bool IsMastery { get; set; }
}

public sealed record SettingsFramework(int Id, string Name);

/// <summary>How far the background recompute of a framework's rollups has come.</summary>
public sealed record RecomputeProgress(int Current, int Total)
{
    public bool Running => Current < Total;
    public double Percent => Total == 0 ? 100 : 100.0 * Current / Total;
}

/// <summary>The report-card conversion as edited, with the scale it must cover.</summary>
public sealed class GradeTableForm
{
    public List<GradeRowInput> Rows { get; set; } = [];
    public decimal ScaleMin { get; set; }
    public decimal ScaleMax { get; set; }

    /// <summary>The table's version when it was read (its newest row id; null while empty): a save checks it.</summary>
    public int? Version { get; set; }
}

public sealed class GradeRowInput
{
    public decimal From { get; set; }
    public decimal To { get; set; }
    public string Grade { get; set; } = "";
}
