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
