using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.Web.Data.Seeding;

/// <summary>
/// Builds the whole demo district in memory from a fixed seed. Rows get their database ids in stages: after each save,
/// a Bind method copies the new ids into the foreign keys that have no navigation property.
/// </summary>
internal sealed partial class DemoBuilder
{
    public const string TimeZoneId = "America/Chicago";

    // Content and ids draw from separate generators, so adding a user does not reshuffle everything else.
    private readonly Random rng = new(20261);
    private readonly Random idRng = new(20262);
    private readonly Random groupRng = new(20263);
    private readonly TimeZoneInfo zone;
    private readonly DateTimeOffset now;
    private readonly DateOnly today;
    private readonly string passwordHash;
    private readonly HashSet<string> emails = new(StringComparer.Ordinal);
    private readonly SchoolCalendar calendar;

    public DemoBuilder(DateTimeOffset utcNow, TimeZoneInfo zone, string passwordHash)
    {
        this.zone = zone;
        this.passwordHash = passwordHash;
        now = utcNow.ToUniversalTime();
        var local = TimeZoneInfo.ConvertTime(now, zone).DateTime;
        today = DateOnly.FromDateTime(local);

        District = new District { Name = "Cedar Valley School District", TimeZoneId = TimeZoneId };
        Middle = new School { Name = "Cedar Valley Middle School", SourcedId = "sch-cvms", LowestGrade = 6, HighestGrade = 8 };
        High = new School { Name = "Cedar Valley High School", SourcedId = "sch-cvhs", LowestGrade = 9, HighestGrade = 12 };
        Schools = [Middle, High];
        Year = BuildYear();
        calendar = new SchoolCalendar(Year.StartsOn, Year.EndsOn, CalendarEntries.Select(c => (c.StartsOn, c.EndsOn)));

        // Eight weeks ending today. Nothing is dated in the future: today's lessons count once school is out,
        // today's check-ins once advisory has met.
        var last = today < Year.EndsOn ? today : Year.EndsOn;
        var first = last.AddDays(-55) < Year.StartsOn ? Year.StartsOn : last.AddDays(-55);
        var window = calendar.SchoolDays(first, last).ToList();
        var time = TimeOnly.FromDateTime(local);
        EvidenceDays = [.. window.Where(d => d < today || time >= new TimeOnly(16, 0))];
        CheckInDays = [.. window.Where(d => d < today || time >= new TimeOnly(9, 0))];

        BuildFrameworks();
        BuildStaff();
        BuildFamilies();
        AssignStudentGroups();
        BuildAdvisories();
        BuildSections();
        BuildEvidence();
        BuildProfilesAndPlans();
        BuildCheckIns();
    }

    public District District { get; }
    public School Middle { get; }
    public School High { get; }
    public List<School> Schools { get; }
    public SchoolYear Year { get; }
    public List<CalendarEntry> CalendarEntries { get; } = [];
    public List<DateOnly> EvidenceDays { get; }
    public List<DateOnly> CheckInDays { get; }

    /// <summary>Gives every top-level row the district's new id.</summary>
    public void BindDistrict()
    {
        var id = District.Id;
        Schools.ForEach(s => s.DistrictId = id);
        Year.DistrictId = id;
        CalendarEntries.ForEach(c => c.DistrictId = id);
        Frameworks.ForEach(f => f.DistrictId = id);
        Users.ForEach(u => u.DistrictId = id);
        Students.ForEach(s => s.DistrictId = id);
    }

    private SchoolYear BuildYear()
    {
        var start = today >= new DateOnly(today.Year, 8, 24) ? today.Year : today.Year - 1;
        var year = new SchoolYear
        {
            Name = string.Create(CultureInfo.InvariantCulture, $"{start}–{(start + 1) % 100:00}"),
            StartsOn = new DateOnly(start, 8, 24),
            EndsOn = new DateOnly(start + 1, 6, 11),
        };
        year.Terms.Add(new Term { Name = $"Fall {start}", StartsOn = year.StartsOn, EndsOn = new DateOnly(start, 12, 18) });
        year.Terms.Add(new Term { Name = $"Spring {start + 1}", StartsOn = new DateOnly(start + 1, 1, 5), EndsOn = year.EndsOn });

        var thanksgiving = NthWeekday(start, 11, DayOfWeek.Thursday, 4);
        var springBreak = NthWeekday(start + 1, 3, DayOfWeek.Monday, 2);
        Closure("Labor Day", CalendarEntryKind.Holiday, NthWeekday(start, 9, DayOfWeek.Monday, 1));
        Closure("Professional learning day (no school for students)", CalendarEntryKind.ProfessionalDay,
            NthWeekday(start, 10, DayOfWeek.Monday, 2));
        Closure("Thanksgiving break", CalendarEntryKind.Break, thanksgiving.AddDays(-1), thanksgiving.AddDays(1));
        Closure("Winter break", CalendarEntryKind.Break, new DateOnly(start, 12, 21), new DateOnly(start + 1, 1, 1));
        Closure("Martin Luther King Jr. Day", CalendarEntryKind.Holiday, NthWeekday(start + 1, 1, DayOfWeek.Monday, 3));
        Closure("Spring break", CalendarEntryKind.Break, springBreak, springBreak.AddDays(4));
        return year;
    }

    private void Closure(string name, CalendarEntryKind kind, DateOnly from, DateOnly? to = null) =>
        CalendarEntries.Add(new CalendarEntry { Name = name, Kind = kind, StartsOn = from, EndsOn = to ?? from });

    private static DateOnly NthWeekday(int year, int month, DayOfWeek day, int n)
    {
        var first = new DateOnly(year, month, 1);
        var offset = ((int)day - (int)first.DayOfWeek + 7) % 7;
        return first.AddDays(offset + (7 * (n - 1)));
    }

    // ---- randomness helpers (all draws come from the seeded generators, in a fixed order) ----

    private double Normal()
    {
        var u1 = 1.0 - rng.NextDouble();
        var u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    private double Uniform(double min, double max) => min + (rng.NextDouble() * (max - min));

    private bool Chance(double p) => rng.NextDouble() < p;

    private T Pick<T>(IReadOnlyList<T> items) => items[rng.Next(items.Count)];

    /// <summary>The index drawn with the given relative weights.</summary>
    private int Weighted(params int[] weights)
    {
        var roll = rng.Next(weights.Sum());
        for (var i = 0; i < weights.Length; i++)
        {
            roll -= weights[i];
            if (roll < 0)
            {
                return i;
            }
        }
        return weights.Length - 1;
    }

    private void Shuffle<T>(IList<T> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = rng.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>Up to <paramref name="count"/> distinct items in random order.</summary>
    private List<T> Sample<T>(IReadOnlyList<T> items, int count)
    {
        var copy = items.ToList();
        Shuffle(copy);
        return copy.Take(count).ToList();
    }

    private DateOnly RandomDay(DateOnly from, DateOnly to) =>
        to <= from ? from : from.AddDays(rng.Next(to.DayNumber - from.DayNumber + 1));

    /// <summary>A district-local wall-clock time as a UTC instant (Npgsql writes timestamptz in UTC only).</summary>
    private DateTimeOffset Utc(DateOnly day, int hour, int minute)
    {
        var local = day.ToDateTime(new TimeOnly(hour, minute));
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }

    private string NextGuid()
    {
        var bytes = new byte[16];
        idRng.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes).ToString();
    }

    /// <summary>A Guid derived from a name, the same in every database.</summary>
    public static string StableGuid(string name) => new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(name)).AsSpan(0, 16)).ToString();

    /// <summary>Lower-case ASCII letters only: "Beltrán" → "beltran", "O'Brien" → "obrien".</summary>
    private static string Ascii(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (var c in name.Normalize(NormalizationForm.FormD))
        {
            var lower = char.ToLowerInvariant(c);
            if (lower is >= 'a' and <= 'z')
            {
                sb.Append(lower);
            }
        }
        return sb.ToString();
    }

    private string Reserve(string email) =>
        emails.Add(email) ? email : throw new InvalidOperationException("Duplicate demo email");

    /// <summary>first.last@domain, then first.last.2@domain, ... whichever is free.</summary>
    private string UniqueEmail(string first, string last, string domain)
    {
        var local = $"{Ascii(first)}.{Ascii(last)}";
        var candidate = $"{local}@{domain}";
        for (var n = 2; !emails.Add(candidate); n++)
        {
            candidate = $"{local}.{n}@{domain}";
        }
        return candidate;
    }

    private AppUser NewUser(string email, string displayName, string language, string sourcedId, params string[] roles)
    {
        var user = new AppUser
        {
            Id = NextGuid(),
            UserName = email,
            NormalizedUserName = email.ToUpperInvariant(),
            Email = email,
            NormalizedEmail = email.ToUpperInvariant(),
            EmailConfirmed = true,
            PasswordHash = passwordHash,
            SecurityStamp = NextGuid().Replace("-", "", StringComparison.Ordinal).ToUpperInvariant(),
            ConcurrencyStamp = NextGuid(),
            LockoutEnabled = true,
            DisplayName = displayName,
            PreferredLanguage = language,
            SourcedId = sourcedId,
        };
        Users.Add(user);
        foreach (var role in roles)
        {
            UserRoles.Add((user, role));
        }
        return user;
    }
}
