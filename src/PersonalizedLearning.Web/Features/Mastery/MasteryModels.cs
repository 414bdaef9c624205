using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.Web.Features.Mastery;

/// <summary>One student's score in a class submission; a null score means "not assessed this time".</summary>
public sealed record ClassScore(int StudentId, decimal? Score, string? Note = null);

/// <summary>
/// Evidence for a whole section on one standard. <paramref name="IdempotencyKey"/> is one per submission: a retried
/// submit with the same key records nothing new.
/// </summary>
public sealed record ClassEvidence(
    int SectionId, int StandardId, DateOnly ObservedOn, Guid IdempotencyKey, IReadOnlyList<ClassScore> Scores);

/// <summary>Evidence for one student on one standard, optionally tied to one of the teacher's sections.</summary>
public sealed record StudentEvidence(
    int StudentId, int StandardId, int? SectionId, decimal Score, DateOnly ObservedOn, Guid IdempotencyKey, string? Note = null);

public sealed record LevelView(decimal Points, string Name, string Color, bool IsMastery);

public sealed record StandardColumn(int Id, string Code, string Statement, int? ParentId);

public sealed record FrameworkChoice(int Id, string Name);

public sealed record GridStudent(int Id, string Name);

/// <summary>One stored rollup: what the grid shows in a cell.</summary>
public sealed record GridCell(int StudentId, int StandardId, decimal? Score, bool AtMastery, int EvidenceCount, DateTimeOffset? LastEvidenceAt);

/// <summary>The section mastery grid: the whole class × one framework's standards, read from rollups only.</summary>
public sealed record SectionGrid(
    int SectionId,
    string SectionName,
    string Course,
    IReadOnlyList<FrameworkChoice> Frameworks,
    int FrameworkId,
    IReadOnlyList<LevelView> Levels,
    IReadOnlyList<StandardColumn> Groups,
    IReadOnlyList<StandardColumn> Standards,
    IReadOnlyList<GridStudent> Students,
    IReadOnlyList<GridCell> Cells,
    IReadOnlyList<AttentionRow> Attention)
{
    public LevelView? LevelFor(decimal? score) =>
        score is null ? null : Levels.Where(l => score.Value >= l.Points).MaxBy(l => l.Points);
}

/// <summary>One piece of evidence in a timeline, with the weight it carries in the current level (0 when voided).</summary>
public sealed record EvidenceItem(
    long Id, DateTimeOffset ObservedAt, DateTimeOffset RecordedAt, decimal Score, EvidenceSource Source, string Note,
    string? RecordedBy, bool Voided, string? VoidReason, decimal Weight);

/// <summary>A student's evidence on one standard and "why this level".</summary>
public sealed record EvidenceTimeline(
    int StudentId, string StudentName, int StandardId, string StandardCode, string Statement,
    MasteryMethod Method, int MethodParameter, decimal? Score, LevelView? Level, IReadOnlyList<LevelView> Levels,
    IReadOnlyList<EvidenceItem> Items, string? ReportCardGrade = null, bool RecomputePending = false);

/// <summary>One standard in "my mastery": level, evidence count, the trend of the latest scores, the plan goal it serves and the report-card grade shown beside the level.</summary>
public sealed record MyStandard(
    int Id, string Code, string Statement, int? ParentId, decimal? Score, LevelView? Level, bool AtMastery, int EvidenceCount,
    ScoreTrend Trend = ScoreTrend.None, string? Goal = null, string? ReportCardGrade = null);

public sealed record MyFramework(int Id, string Name, IReadOnlyList<LevelView> Levels, IReadOnlyList<MyStandard> Standards, IReadOnlyList<MyStandard> NextSteps);

/// <summary>A plan goal's pacing: its linked standards mastered so far against the time elapsed toward its target date.</summary>
public sealed record MyGoalPace(string Title, DateOnly TargetDate, int Mastered, int Total, Pace Pace);

public sealed record MyMastery(int StudentId, string StudentName, IReadOnlyList<MyFramework> Frameworks, IReadOnlyList<MyGoalPace>? Goals = null);
