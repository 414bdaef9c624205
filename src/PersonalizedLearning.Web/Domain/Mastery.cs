namespace PersonalizedLearning.Web.Domain;

public enum MasteryMethod
{
    DecayingAverage,
    WeightedAverage,
    NTimesAtMastery,
    MostRecent,
    Highest,
    Average,
}

/// <summary>A competency framework: a hierarchy of standards, a mastery scale and a calculation method.</summary>
public sealed class CompetencyFramework
{
    public int Id { get; set; }
    public int DistrictId { get; set; }
    public required string Name { get; set; }
    public required string Code { get; set; }
    public string? CaseIdentifier { get; set; }
    public MasteryMethod Method { get; set; } = MasteryMethod.DecayingAverage;
    /// <summary>Decay rate or weight as a percentage (65 by default), or n for n-times-at-mastery.</summary>
    public int MethodParameter { get; set; } = 65;
    /// <summary>Bumped when the method, its parameter or the mastery points change; rollups record the version they used.</summary>
    public int MethodVersion { get; set; } = 1;
    /// <summary>Optimistic concurrency token (PostgreSQL xmin): two admins editing the settings at once get a conflict.</summary>
    public uint Version { get; set; }
    public DateTimeOffset? SettingsChangedAt { get; set; }
    public string? SettingsChangedByUserId { get; set; }
    public List<MasteryLevel> Levels { get; set; } = [];
    public List<Standard> Standards { get; set; } = [];
}

/// <summary>One step on a framework's scale; exactly one level is marked as mastery.</summary>
public sealed class MasteryLevel
{
    public int Id { get; set; }
    public int FrameworkId { get; set; }
    public decimal Points { get; set; }
    public required string Name { get; set; }
    public required string Color { get; set; }
    public bool IsMastery { get; set; }
}

public sealed class Standard
{
    public int Id { get; set; }
    public int FrameworkId { get; set; }
    public CompetencyFramework? Framework { get; set; }
    public int? ParentId { get; set; }
    public required string Code { get; set; }
    public required string Statement { get; set; }
    /// <summary>Grade levels this standard is taught in, e.g. "6-8"; empty for all.</summary>
    public string GradeLevels { get; set; } = "";
    public string? CaseIdentifier { get; set; }
    public int SortOrder { get; set; }
    public List<Standard> Prerequisites { get; set; } = [];
}

/// <summary>
/// One version of a framework's calculation (method, parameter and mastery points), kept so that a rollup made under
/// an earlier version can still explain itself ("why this level") while the background recompute catches up.
/// </summary>
public sealed class MasteryMethodVersion
{
    public int FrameworkId { get; set; }
    public int Version { get; set; }
    public MasteryMethod Method { get; set; }
    public int Parameter { get; set; }
    public decimal MasteryPoints { get; set; }
    public DateTimeOffset ChangedAt { get; set; }
    public string? ChangedByUserId { get; set; }
}

public enum EvidenceSource
{
    TeacherAssessment,
    Advisor,
    Mentor,
    SelfAssessment,
    ExternalApp,
}

/// <summary>A score on the framework's scale for a student and standard. Never deleted: voided with a reason.</summary>
public sealed class Evidence
{
    public long Id { get; set; }
    public int StudentId { get; set; }
    public int StandardId { get; set; }
    public decimal Score { get; set; }
    public EvidenceSource Source { get; set; }
    public string? RecordedByUserId { get; set; }
    public int? SectionId { get; set; }
    public DateTimeOffset ObservedAt { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
    public string Note { get; set; } = "";
    public string? ExternalId { get; set; }
    public DateTimeOffset? VoidedAt { get; set; }
    public string? VoidReason { get; set; }
}

/// <summary>The stored mastery of one student on one standard, updated in the same transaction as its evidence.</summary>
public sealed class MasteryRollup
{
    public int StudentId { get; set; }
    public int StandardId { get; set; }
    /// <summary>Null when the method gives no level yet (e.g. fewer than n scores at mastery).</summary>
    public decimal? Score { get; set; }
    /// <summary>Whether the score reaches the framework's mastery level (kept in step when the scale changes).</summary>
    public bool AtMastery { get; set; }
    public int EvidenceCount { get; set; }
    public DateTimeOffset? LastEvidenceAt { get; set; }
    public MasteryMethod Method { get; set; }
    public int MethodVersion { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
