using PersonalizedLearning.Bench.Core;
using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.Bench.Generation;

/// <summary>
/// The shape of the synthetic district, computed deterministically from the size: which school, advisory and
/// sections each student is in, who teaches what, and the streams of rows the generator copies in.
/// School 1 is the big one (2,000 students when the size allows) for the principal dashboard; its first teacher
/// (grid.teacher@bench.example) teaches the first 35-student mathematics section for the section grid.
/// </summary>
internal sealed class Layout(DistrictSize size, DateOnly today)
{
    public sealed record SectionPlan(int Id, int SchoolId, int Period, string Teacher, int[] Students);
    public sealed record AdvisoryPlan(int Id, int SchoolId, string Name, string Advisor);
    public readonly record struct EvidenceGen(int StudentId, int StandardId, decimal Score, string Teacher, int SectionId, DateTimeOffset ObservedAt);
    public readonly record struct CheckInGen(int StudentId, int AdvisoryId, DateOnly Day, int Mood);

    private const int Periods = 6;
    private const int SectionSize = 35;

    public DateOnly Today { get; } = today;
    public DateOnly YearStart { get; } = new(today.Month >= 8 ? today.Year : today.Year - 1, 8, 15);
    public int[] SchoolOf { get; } = new int[size.Students];
    public int[] AdvisoryOf { get; } = new int[size.Students];
    public List<SectionPlan> Sections { get; } = [];
    private readonly List<AdvisoryPlan> advisories = [];
    private readonly List<(string Id, int SchoolId, string Email, bool Principal)> staff = [];
    private readonly int[] sectionA = new int[size.Students];
    private readonly int[] sectionB = new int[size.Students];
    private readonly Dictionary<int, string> teacherOf = [];

    public const string AdminUserId = "u-admin-1";

    public static string StudentUserId(int i) => $"u-stu-{i + 1:000000}";
    public static string GuardianUserId(int g) => $"u-gdn-{g + 1:000000}";

    public void Assign(int[] schoolIds)
    {
        var n = schoolIds.Length;
        var big = Math.Min(2_000, size.Students / 2);
        var counts = new int[n];
        counts[0] = n == 1 ? size.Students : big;
        for (var s = 1; s < n; s++)
        {
            counts[s] = (size.Students - big) / (n - 1) + (s <= (size.Students - big) % (n - 1) ? 1 : 0);
        }
        var start = 0;
        var staffNo = 0;
        var sectionId = 0;
        var advisoryId = 0;
        for (var s = 0; s < n; s++)
        {
            var school = schoolIds[s];
            var students = Enumerable.Range(start, counts[s]).ToArray();
            foreach (var i in students)
            {
                SchoolOf[i] = school;
            }
            var staffHere = Math.Max(3, (int)((long)size.Staff * counts[s] / size.Students));
            staff.Add(($"u-stf-{++staffNo:00000}", school, $"principal.{s + 1}@bench.example", true));
            var teachers = new List<string>();
            for (var k = 1; k < staffHere; k++)
            {
                var id = $"u-stf-{++staffNo:00000}";
                staff.Add((id, school, s == 0 && k == 1 ? DistrictFacts.GridTeacherEmail0 : $"teacher.{staffNo}@bench.example", false));
                teachers.Add(id);
            }
            // Every teacher also advises one advisory; students are spread round robin.
            var firstAdvisory = advisoryId + 1;
            foreach (var t in teachers)
            {
                advisories.Add(new AdvisoryPlan(++advisoryId, school, $"Advisory {advisoryId}", t));
            }
            for (var j = 0; j < students.Length; j++)
            {
                AdvisoryOf[students[j]] = firstAdvisory + j % teachers.Count;
            }
            var nextTeacher = 0;
            for (var p = 0; p < Periods; p++)
            {
                var order = p == 0 ? students : [.. students.OrderBy(i => Hash(i, p))];
                foreach (var chunk in order.Chunk(SectionSize))
                {
                    var section = new SectionPlan(++sectionId, school, p, teachers[nextTeacher++ % teachers.Count], chunk);
                    Sections.Add(section);
                    teacherOf[section.Id] = section.Teacher;
                    foreach (var i in chunk)
                    {
                        if (p == 0)
                        {
                            sectionA[i] = section.Id;
                        }
                        else if (p == 1)
                        {
                            sectionB[i] = section.Id;
                        }
                    }
                }
            }
            start += counts[s];
        }
    }

    public IEnumerable<AppUser> Users(int districtId, string hash)
    {
        yield return User(AdminUserId, districtId, null, DistrictFacts.AdminEmail, "District Admin", hash);
        foreach (var (id, school, email, principal) in staff)
        {
            yield return User(id, districtId, school, email, principal ? "Principal " + id[^5..] : "Teacher " + id[^5..], hash);
        }
        for (var g = 0; g < size.Guardians; g++)
        {
            yield return User(GuardianUserId(g), districtId, null, $"guardian.{g + 1}@bench.example", $"Guardian {g + 1}", hash);
        }
        for (var i = 0; i < size.Students; i++)
        {
            yield return User(StudentUserId(i), districtId, null, $"student.{i + 1}@bench.example", $"Student {i + 1}", hash);
        }
    }

    private static AppUser User(string id, int districtId, int? school, string email, string name, string hash) => new()
    {
        Id = id,
        DistrictId = districtId,
        SchoolId = school,
        DisplayName = name,
        SourcedId = id,
        Email = email,
        NormalizedEmail = email.ToUpperInvariant(),
        PasswordHash = hash,
        SecurityStamp = "BENCH" + id.ToUpperInvariant().Replace("-", "", StringComparison.Ordinal),
        ConcurrencyStamp = id,
    };

    public IEnumerable<(string UserId, string RoleId)> UserRoles(IReadOnlyDictionary<string, string> roleIds)
    {
        yield return (AdminUserId, roleIds[Roles.DistrictAdmin]);
        foreach (var (id, _, _, principal) in staff)
        {
            if (principal)
            {
                yield return (id, roleIds[Roles.Principal]);
            }
            else
            {
                yield return (id, roleIds[Roles.Teacher]);
                yield return (id, roleIds[Roles.Advisor]);
            }
        }
        for (var g = 0; g < size.Guardians; g++)
        {
            yield return (GuardianUserId(g), roleIds[Roles.Guardian]);
        }
        for (var i = 0; i < size.Students; i++)
        {
            yield return (StudentUserId(i), roleIds[Roles.Student]);
        }
    }

    public IEnumerable<AdvisoryPlan> Advisories() => advisories;

    /// <summary>Every student has a guardian; some have two; some guardians have two children; a few links are restricted.</summary>
    public IEnumerable<(string Guardian, int StudentId, bool Restricted)> GuardianLinks()
    {
        var s = size.Students;
        for (var g = 0; g < size.Guardians; g++)
        {
            yield return (GuardianUserId(g), g % s + 1, false);
            if (g < s / 10)
            {
                yield return (GuardianUserId(g), (g + s / 2) % s + 1, g % 97 == 0);
            }
        }
    }

    public IEnumerable<(int SectionId, int StudentId)> Enrollments() =>
        Sections.SelectMany(sec => sec.Students.Select(i => (sec.Id, i + 1)));

    /// <summary>
    /// Evidence per student: up to two scores on each of the 60 mathematics standards (their section's grid is full),
    /// the rest on random learning-goal standards. Observed on school days of this year so far.
    /// </summary>
    public IEnumerable<EvidenceGen> Evidence(int[] leavesA, int[] leavesB)
    {
        var days = Math.Max(1, Today.DayNumber - YearStart.DayNumber);
        var per = size.Evidence / size.Students;
        var extra = size.Evidence % size.Students;
        for (var i = 0; i < size.Students; i++)
        {
            var rng = new Random(i * 7919 + 17);
            var ability = 1.5 + rng.NextDouble() * 2.3;
            var mine = per + (i < extra ? 1 : 0);
            var inA = Math.Min(mine, leavesA.Length * 2);
            var studentId = i + 1;
            for (var j = 0L; j < mine; j++)
            {
                var a = j < inA;
                var standard = a ? leavesA[(int)(j % leavesA.Length)] : leavesB[rng.Next(leavesB.Length)];
                var section = a ? sectionA[i] : sectionB[i];
                var day = YearStart.AddDays(rng.Next(days));
                var progress = (double)(day.DayNumber - YearStart.DayNumber) / days;
                var score = (decimal)Math.Clamp(Math.Round(ability + progress * 0.6 + (rng.NextDouble() - 0.5) * 1.6), 1, 4);
                var at = new DateTimeOffset(day.ToDateTime(new TimeOnly(8, 0)), TimeSpan.Zero).AddMinutes(rng.Next(480));
                yield return new EvidenceGen(studentId, standard, score, teacherOf[section], section, at);
            }
        }
    }

    /// <summary>A school year of daily check-ins (the last <see cref="DistrictSize.CheckInDays"/> weekdays before today).</summary>
    public IEnumerable<CheckInGen> CheckIns()
    {
        var daysList = new List<DateOnly>();
        for (var d = Today.AddDays(-1); daysList.Count < size.CheckInDays; d = d.AddDays(-1))
        {
            if (d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
            {
                daysList.Add(d);
            }
        }
        daysList.Reverse();
        for (var i = 0; i < size.Students; i++)
        {
            var rng = new Random(i * 104729 + 3);
            foreach (var day in daysList)
            {
                yield return new CheckInGen(i + 1, AdvisoryOf[i], day, rng.Next(20) == 0 ? 0 : 1 + rng.Next(5));
            }
        }
    }

    private static int Hash(int i, int p) => unchecked((int)((uint)(i * 2654435761u) ^ (uint)(p * 40503)));
}
