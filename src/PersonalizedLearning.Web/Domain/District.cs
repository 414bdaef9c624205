namespace PersonalizedLearning.Web.Domain;

/// <summary>The tenant: one district per deployment; top-level rows carry its id.</summary>
public sealed class District
{
    public int Id { get; set; }
    public required string Name { get; set; }
    /// <summary>IANA time zone id; "today" and school days are computed in this zone.</summary>
    public required string TimeZoneId { get; set; }
    public DistrictSettings Settings { get; set; } = new();
}

/// <summary>District-wide settings, stored as one JSON document; each feature adds what it needs.</summary>
public sealed class DistrictSettings
{
    public int MaxAdvisorySize { get; set; } = 25;
    public int TutoringAllowanceHours { get; set; } = 35;
    public int NoCheckInSchoolDays { get; set; } = 3;
    public int NoEvidenceSchoolDays { get; set; } = 10;
    /// <summary>A mood at or below this counts as low (1–5 scale).</summary>
    public int LowMoodMax { get; set; } = 2;
    /// <summary>How many low moods among the last <see cref="LowMoodWindow"/> check-ins raise a flag.</summary>
    public int LowMoodCount { get; set; } = 3;
    public int LowMoodWindow { get; set; } = 5;
    /// <summary>School days the advisor has to answer a "needs help" (a note or an intervention).</summary>
    public int HelpAnswerSchoolDays { get; set; } = 2;
    /// <summary>How many standards with falling scores raise a flag.</summary>
    public int FallingStandards { get; set; } = 2;
    /// <summary>Weeks into the school year after which a plan still in draft raises a flag.</summary>
    public int PlanDraftWeeks { get; set; } = 3;
}

public sealed class School
{
    public int Id { get; set; }
    public int DistrictId { get; set; }
    public required string Name { get; set; }
    public required string SourcedId { get; set; }
    public bool Active { get; set; } = true;
    public int LowestGrade { get; set; }
    public int HighestGrade { get; set; }
}

public sealed class SchoolYear
{
    public int Id { get; set; }
    public int DistrictId { get; set; }
    public required string Name { get; set; }
    public DateOnly StartsOn { get; set; }
    public DateOnly EndsOn { get; set; }
    /// <summary>The roster's academicSession sourcedId, when the year came from a OneRoster import.</summary>
    public string? SourcedId { get; set; }
    public List<Term> Terms { get; set; } = [];

    public bool Contains(DateOnly day) => day >= StartsOn && day <= EndsOn;
}

public sealed class Term
{
    public int Id { get; set; }
    public int SchoolYearId { get; set; }
    public required string Name { get; set; }
    public DateOnly StartsOn { get; set; }
    public DateOnly EndsOn { get; set; }
    /// <summary>The roster's academicSession sourcedId, when the term came from a OneRoster import.</summary>
    public string? SourcedId { get; set; }
}

public enum CalendarEntryKind
{
    Holiday,
    Break,
    ProfessionalDay,
}

/// <summary>A day or range without school: district-wide (SchoolId null) or for one school.</summary>
public sealed class CalendarEntry
{
    public int Id { get; set; }
    public int DistrictId { get; set; }
    public int? SchoolId { get; set; }
    public required string Name { get; set; }
    public CalendarEntryKind Kind { get; set; }
    public DateOnly StartsOn { get; set; }
    public DateOnly EndsOn { get; set; }
}
