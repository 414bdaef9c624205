using Microsoft.AspNetCore.Identity;

namespace PersonalizedLearning.Web.Domain;

/// <summary>The role names used by Identity and by the authorization policies.</summary>
public static class Roles
{
    public const string Student = "Student";
    public const string Teacher = "Teacher";
    public const string Advisor = "Advisor";
    public const string Guardian = "Guardian";
    public const string Principal = "Principal";
    public const string DistrictAdmin = "DistrictAdmin";

    public static readonly IReadOnlyList<string> All = [Student, Teacher, Advisor, Guardian, Principal, DistrictAdmin];

    /// <summary>The home page of each role; the order decides where a user with several roles lands first.</summary>
    public static readonly IReadOnlyList<(string Role, string Home)> Homes =
    [
        (DistrictAdmin, "/admin"), (Principal, "/principal"), (Advisor, "/advisor"),
        (Teacher, "/teacher"), (Guardian, "/parent"), (Student, "/student"),
    ];
}

/// <summary>A person who signs in. Accounts are provisioned by the district; there is no public sign-up.</summary>
public sealed class AppUser : IdentityUser
{
    public int DistrictId { get; set; }
    public required string DisplayName { get; set; }
    /// <summary>"en" or "es"; the UI culture after sign-in.</summary>
    public string PreferredLanguage { get; set; } = "en";
    /// <summary>For staff (teachers, advisors, principals): the school they work in.</summary>
    public int? SchoolId { get; set; }
    public string? SourcedId { get; set; }
    public bool Active { get; set; } = true;
}

public sealed class Student
{
    public int Id { get; set; }
    public int DistrictId { get; set; }
    public int SchoolId { get; set; }
    public School? School { get; set; }
    /// <summary>The account the student signs in with, when they have one.</summary>
    public string? UserId { get; set; }
    public required string StudentNumber { get; set; }
    public required string SourcedId { get; set; }
    public required string FirstName { get; set; }
    public required string LastName { get; set; }
    public int GradeLevel { get; set; }
    public string PreferredLanguage { get; set; } = "en";
    public int? AdvisoryId { get; set; }
    public Advisory? Advisory { get; set; }
    public bool Active { get; set; } = true;

    // Student groups for school reporting (from the roster's demographics; null when the roster does not say).
    // Reports suppress any group smaller than StudentGroups.MinimumReportedSize.
    public Sex? Sex { get; set; }
    public RaceEthnicity? RaceEthnicity { get; set; }
    public bool EnglishLearner { get; set; }
    /// <summary>The student has an individualized education program (special education services).</summary>
    public bool HasIep { get; set; }

    public List<GuardianLink> GuardianLinks { get; set; } = [];
    public List<Enrollment> Enrollments { get; set; } = [];

    public string FullName => $"{FirstName} {LastName}";
}

/// <summary>As OneRoster's demographics.csv reports it.</summary>
public enum Sex
{
    Female,
    Male,
    Other,
    Unspecified,
}

/// <summary>
/// The federal reporting category (U.S. ED): Hispanic or Latino of any race first, then a single race, then two or more
/// races. Computed from the roster's race flags on import.
/// </summary>
public enum RaceEthnicity
{
    HispanicOrLatino,
    AmericanIndianOrAlaskaNative,
    Asian,
    BlackOrAfricanAmerican,
    NativeHawaiianOrOtherPacificIslander,
    White,
    TwoOrMoreRaces,
}

public static class StudentGroups
{
    /// <summary>Groups with fewer students than this are suppressed in every report so that no one can be singled out.</summary>
    public const int MinimumReportedSize = 10;

    /// <summary>The reporting category from OneRoster-style flags: Hispanic or Latino wins, then one race, then two or more.</summary>
    public static RaceEthnicity? Category(bool hispanicOrLatino, IReadOnlyCollection<RaceEthnicity> races) =>
        hispanicOrLatino ? RaceEthnicity.HispanicOrLatino
        : races.Count switch
        {
            0 => null,
            1 => races.First(),
            _ => RaceEthnicity.TwoOrMoreRaces,
        };
}

public enum GuardianRelationship
{
    Parent,
    Guardian,
    Grandparent,
    Relative,
    FosterParent,
}

/// <summary>A guardian's link to a student. A custody restriction means the guardian may not see the student.</summary>
public sealed class GuardianLink
{
    public int Id { get; set; }
    public required string GuardianUserId { get; set; }
    public int StudentId { get; set; }
    public Student? Student { get; set; }
    public GuardianRelationship Relationship { get; set; }
    public bool CustodyRestricted { get; set; }
}

public sealed class Section
{
    public int Id { get; set; }
    public int SchoolId { get; set; }
    public int SchoolYearId { get; set; }
    public required string Name { get; set; }
    public required string CourseName { get; set; }
    public required string SourcedId { get; set; }
    public bool Active { get; set; } = true;
    public List<SectionTeacher> Teachers { get; set; } = [];
    public List<Enrollment> Enrollments { get; set; } = [];
}

public sealed class SectionTeacher
{
    public int SectionId { get; set; }
    public required string TeacherUserId { get; set; }
}

public sealed class Enrollment
{
    public int SectionId { get; set; }
    public Section? Section { get; set; }
    public int StudentId { get; set; }
    public Student? Student { get; set; }
    public bool Active { get; set; } = true;
}

/// <summary>An advisor's small group (15–25 students) that meets daily.</summary>
public sealed class Advisory
{
    public int Id { get; set; }
    public int SchoolId { get; set; }
    public required string Name { get; set; }
    public required string AdvisorUserId { get; set; }
    public string? SourcedId { get; set; }
    public bool Active { get; set; } = true;
    public List<Student> Members { get; set; } = [];
}
