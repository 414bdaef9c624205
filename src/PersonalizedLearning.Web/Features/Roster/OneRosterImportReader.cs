using System.Globalization;
using System.IO.Compression;
using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.Web.Features.Roster;

/// <summary>What the database already holds for this district, for references a delta (or a partial bulk) leaves out.</summary>
internal sealed class RosterExisting
{
    public HashSet<string> Schools { get; init; } = new(StringComparer.Ordinal);
    public HashSet<string> Users { get; init; } = new(StringComparer.Ordinal);
    public HashSet<string> Students { get; init; } = new(StringComparer.Ordinal);
    public HashSet<string> Sections { get; init; } = new(StringComparer.Ordinal);
    /// <summary>Academic sessions (years and terms) that carry a sourcedId.</summary>
    public HashSet<string> Sessions { get; init; } = new(StringComparer.Ordinal);
    /// <summary>Normalized email → the sourcedId of the account that has it (null for accounts outside the roster).</summary>
    public Dictionary<string, string?> Emails { get; init; } = new(StringComparer.Ordinal);
    /// <summary>Student number → the sourcedId of the student that has it.</summary>
    public Dictionary<string, string> StudentNumbers { get; init; } = new(StringComparer.Ordinal);
}

internal sealed record PlanSchool(string SourcedId, string Name, bool Active);
internal sealed record PlanSession(string SourcedId, string Title, string Type, DateOnly Starts, DateOnly Ends, string? Parent, bool Active);
internal sealed record PlanUser(string SourcedId, string DisplayName, string? Email, string? School, string[] Roles, bool Active, bool Student);
internal sealed record PlanStudent(string SourcedId, string Number, string First, string Last, int? Grade, string? School, bool Active);
internal sealed record PlanLink(string Guardian, string Student, GuardianRelationship Relationship);
internal sealed record PlanGroups(string SourcedId, Sex? Sex, RaceEthnicity? Race, bool? EnglishLearner, bool? Iep, bool HasDemographics);
internal sealed record PlanSection(string SourcedId, string School, string Name, string? Course, string Session, bool Active);
internal sealed record PlanEnrollment(string Section, string User, bool Teacher, bool Active);

/// <summary>A validated roster, ready to apply: natural keys (sourcedIds) only, resolved to ids at apply time.</summary>
internal sealed class RosterPlan
{
    public Dictionary<string, RosterFileMode> Modes { get; } = new(StringComparer.Ordinal);
    public string Mode { get; set; } = "bulk";
    public List<PlanSchool> Schools { get; } = [];
    public List<PlanSession> Sessions { get; } = [];
    public List<PlanUser> Users { get; } = [];
    public List<PlanStudent> Students { get; } = [];
    public List<PlanLink> Links { get; } = [];
    public List<PlanGroups> Groups { get; } = [];
    public List<PlanSection> Sections { get; } = [];
    public List<PlanEnrollment> Enrollments { get; } = [];
    public Dictionary<string, RosterEntitySummary> Summary { get; } = new(StringComparer.Ordinal);

    public RosterFileMode ModeOf(string file) => Modes.GetValueOrDefault(file);

    public RosterEntitySummary For(string entity)
    {
        if (!Summary.TryGetValue(entity, out var s))
        {
            Summary[entity] = s = new RosterEntitySummary { Entity = entity };
        }
        return s;
    }
}

/// <summary>
/// Reads a OneRoster 1.2 (or 1.1) CSV zip by header name and validates all of it against itself and the district:
/// every problem is reported with file, line and column; the result is a <see cref="RosterPlan"/> only when there is none.
/// </summary>
internal static class OneRosterImportReader
{
    public const string Manifest = "manifest.csv";
    public const string Orgs = "orgs.csv";
    public const string Sessions = "academicSessions.csv";
    public const string Courses = "courses.csv";
    public const string Classes = "classes.csv";
    public const string Users = "users.csv";
    public const string Enrollments = "enrollments.csv";
    public const string RolesFile = "roles.csv";
    public const string Demographics = "demographics.csv";

    private static readonly string[] DataFiles = [Orgs, Sessions, Courses, Classes, Users, Enrollments, RolesFile, Demographics];

    private static readonly HashSet<string> KnownRoles = new(StringComparer.OrdinalIgnoreCase)
    {
        "administrator", "aide", "counselor", "districtAdministrator", "guardian", "parent", "principal", "proctor",
        "relative", "siteAdministrator", "student", "systemAdministrator", "teacher",
    };

    private sealed record UserRole(string Role, string? Org, bool Primary, string File, int Line, string Column);

    public static RosterPlan? Read(
        ZipArchive zip, RosterExisting existing, RosterImportOptions options, RosterProblems problems,
        Action<RosterImportPhase, double>? progress, CancellationToken ct)
    {
        var entries = zip.Entries.Where(e => !string.IsNullOrEmpty(e.Name))
            .GroupBy(e => e.Name, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
        if (entries.Values.Sum(e => e.Length) > options.MaxUncompressedBytes)
        {
            problems.Add("", 0, "", "Roster.Problem.TooLargeUnpacked", (options.MaxUncompressedBytes / (1024 * 1024)).ToString(CultureInfo.CurrentCulture));
            return null;
        }
        var plan = new RosterPlan();
        if (!entries.TryGetValue(Manifest, out var manifestEntry))
        {
            problems.Add(Manifest, 0, "", "Roster.Problem.MissingFile", Manifest);
            return null;
        }
        var manifest = CsvTable.Read(manifestEntry, ["propertyName", "value"], [], problems, 1_000, null, ct);
        if (manifest is null || problems.Count > 0)
        {
            return null;
        }
        foreach (var row in manifest.Rows)
        {
            var name = row.Cells[0] ?? "";
            if (!name.StartsWith("file.", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            var file = DataFiles.FirstOrDefault(f => string.Equals("file." + Path.GetFileNameWithoutExtension(f), name, StringComparison.OrdinalIgnoreCase));
            if (file is null)
            {
                continue; // files this platform does not use (resources, lineItems, ...)
            }
            switch (row.Cells[1]?.ToLowerInvariant())
            {
                case "bulk": plan.Modes[file] = RosterFileMode.Bulk; break;
                case "delta": plan.Modes[file] = RosterFileMode.Delta; break;
                case "absent" or null: plan.Modes[file] = RosterFileMode.Absent; break;
                default: problems.Add(Manifest, row.Line, "value", "Roster.Problem.BadMode", row.Cells[1]!); break;
            }
        }
        foreach (var (file, mode) in plan.Modes)
        {
            if (mode != RosterFileMode.Absent && !entries.ContainsKey(file))
            {
                problems.Add(file, 0, "", "Roster.Problem.MissingFile", file);
            }
        }
        if (problems.Count > 0)
        {
            return null;
        }
        var modes = plan.Modes.Values.Where(m => m != RosterFileMode.Absent).Distinct().ToList();
        plan.Mode = modes.Count == 1 && modes[0] == RosterFileMode.Delta ? "delta" : modes.Count > 1 ? "mixed" : "bulk";

        // Reading: every file by header name.
        var totalBytes = Math.Max(1, plan.Modes.Where(m => m.Value != RosterFileMode.Absent).Sum(m => entries[m.Key].Length));
        long readBytes = 0;
        CsvTable? Load(string file, string[] required, string[] optional)
        {
            if (plan.ModeOf(file) == RosterFileMode.Absent)
            {
                return null;
            }
            var entry = entries[file];
            var table = CsvTable.Read(entry, required, optional, problems, options.MaxRows, null, ct);
            readBytes += entry.Length;
            progress?.Invoke(RosterImportPhase.Reading, (double)readBytes / totalBytes);
            return table;
        }
        string[] common = ["sourcedId"];
        string[] meta = ["status", "dateLastModified"];
        var orgs = Load(Orgs, [.. common, "name", "type"], [.. meta, "identifier", "parentSourcedId"]);
        var sessions = Load(Sessions, [.. common, "title", "type", "startDate", "endDate"], [.. meta, "parentSourcedId", "schoolYear"]);
        var courses = Load(Courses, [.. common, "title"], [.. meta, "orgSourcedId"]);
        var classes = Load(Classes, [.. common, "title", "courseSourcedId", "schoolSourcedId", "termSourcedIds"], [.. meta]);
        var rolesTable = Load(RolesFile, [.. common, "userSourcedId", "roleType", "role", "orgSourcedId"], [.. meta, "beginDate", "endDate"]);
        var users = Load(Users, [.. common, "givenName", "familyName"],
            [.. meta, "enabledUser", "role", "orgSourcedIds", "primaryOrgSourcedId", "identifier", "email", "agentSourcedIds", "grades", "metadata.ell", "metadata.iep"]);
        var enrollments = Load(Enrollments, [.. common, "classSourcedId", "userSourcedId", "role"], [.. meta, "schoolSourcedId", "beginDate", "endDate", "primary"]);
        var demographics = Load(Demographics, [.. common],
            [.. meta, "birthDate", "sex", "americanIndianOrAlaskaNative", "asian", "blackOrAfricanAmerican", "nativeHawaiianOrOtherPacificIslander",
             "white", "demographicRaceTwoOrMoreRaces", "hispanicOrLatinoEthnicity", "metadata.ell", "metadata.iep"]);
        if (users is not null && rolesTable is null && !users.Has("role") && plan.ModeOf(Users) == RosterFileMode.Bulk)
        {
            problems.Add(Users, 1, "role", "Roster.Problem.MissingColumn", "role");
        }
        if (problems.Count > 0)
        {
            return null;
        }

        progress?.Invoke(RosterImportPhase.Validating, 0);
        var v = new Validator(plan, existing, problems);
        v.Orgs(orgs);
        v.Sessions(sessions);
        v.Courses(courses);
        progress?.Invoke(RosterImportPhase.Validating, 0.15);
        v.Classes(classes);
        v.Roles(rolesTable);
        progress?.Invoke(RosterImportPhase.Validating, 0.3);
        ct.ThrowIfCancellationRequested();
        v.Users(users);
        progress?.Invoke(RosterImportPhase.Validating, 0.6);
        ct.ThrowIfCancellationRequested();
        v.Demographics(demographics);
        v.Enrollments(enrollments);
        progress?.Invoke(RosterImportPhase.Validating, 1);
        return problems.Count > 0 ? null : plan;
    }

    private sealed class Validator(RosterPlan plan, RosterExisting existing, RosterProblems problems)
    {
        private readonly Dictionary<string, string> orgTypes = new(StringComparer.Ordinal);
        private readonly HashSet<string> sessionIds = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> courseTitles = new(StringComparer.Ordinal);
        private readonly HashSet<string> classIds = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<UserRole>> roles = new(StringComparer.Ordinal);
        private readonly Dictionary<string, (bool Student, bool Deleted)> userKinds = new(StringComparer.Ordinal);
        private readonly Dictionary<string, GuardianRelationship> guardianRelationships = new(StringComparer.Ordinal);
        private readonly Dictionary<string, (bool? Ell, bool? Iep)> userFlags = new(StringComparer.Ordinal);

        private bool IsSchool(string org) =>
            orgTypes.TryGetValue(org, out var type) ? type == "school" : existing.Schools.Contains(org);

        private bool IsDistrict(string org) => orgTypes.TryGetValue(org, out var type) && type == "district";

        private bool KnownOrg(string org) => orgTypes.ContainsKey(org) || existing.Schools.Contains(org);

        /// <summary>Common checks: sourcedId present and unique, status and dateLastModified well-formed. Null when unusable.</summary>
        private (string Id, bool Active)? Key(CsvTable t, CsvRow row, HashSet<string> seen)
        {
            var id = row.Cells[0];
            if (id is null)
            {
                problems.Add(t.File, row.Line, "sourcedId", "Roster.Problem.Required", "sourcedId");
                return null;
            }
            if (!seen.Add(id))
            {
                problems.Add(t.File, row.Line, "sourcedId", "Roster.Problem.DuplicateId", id);
                return null;
            }
            var active = true;
            if (t.Index("status") is var s and >= 0 && row.Cells[s] is { } status)
            {
                if (status.Equals("tobedeleted", StringComparison.OrdinalIgnoreCase) || status.Equals("inactive", StringComparison.OrdinalIgnoreCase))
                {
                    active = false;
                }
                else if (!status.Equals("active", StringComparison.OrdinalIgnoreCase))
                {
                    problems.Add(t.File, row.Line, "status", "Roster.Problem.BadStatus", status);
                }
            }
            if (t.Index("dateLastModified") is var d and >= 0 && row.Cells[d] is { } modified
                && !DateTimeOffset.TryParse(modified, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
            {
                problems.Add(t.File, row.Line, "dateLastModified", "Roster.Problem.BadDate", modified);
            }
            return (id, active);
        }

        private string? Required(CsvTable t, CsvRow row, string column)
        {
            var value = row.Cells[t.Index(column)];
            if (value is null)
            {
                problems.Add(t.File, row.Line, column, "Roster.Problem.Required", column);
            }
            return value;
        }

        private string? Cell(CsvTable t, CsvRow row, string column) => t.Index(column) is var i and >= 0 ? row.Cells[i] : null;

        private static string[] List(string? value) =>
            value is null ? [] : value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        private DateOnly? Date(CsvTable t, CsvRow row, string column, bool required)
        {
            var value = required ? Required(t, row, column) : Cell(t, row, column);
            if (value is null)
            {
                return null;
            }
            if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                return day;
            }
            problems.Add(t.File, row.Line, column, "Roster.Problem.BadDate", value);
            return null;
        }

        private bool? Flag(CsvTable t, CsvRow row, string column)
        {
            var value = Cell(t, row, column);
            switch (value?.ToLowerInvariant())
            {
                case null: return null;
                case "true" or "1" or "yes" or "y": return true;
                case "false" or "0" or "no" or "n": return false;
                default:
                    problems.Add(t.File, row.Line, column, "Roster.Problem.BadBoolean", value);
                    return null;
            }
        }

        public void Orgs(CsvTable? t)
        {
            if (t is null)
            {
                return;
            }
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var row in t.Rows)
            {
                if (Key(t, row, seen) is not var (id, active))
                {
                    continue;
                }
                var name = Required(t, row, "name");
                var type = Required(t, row, "type")?.ToLowerInvariant();
                if (type is null || name is null)
                {
                    continue;
                }
                if (type is not ("school" or "district" or "department" or "local" or "state" or "national"))
                {
                    problems.Add(t.File, row.Line, "type", "Roster.Problem.BadOrgType", type);
                    continue;
                }
                orgTypes[id] = type;
                if (type == "school")
                {
                    plan.Schools.Add(new PlanSchool(id, name, active));
                }
                else if (type != "district")
                {
                    plan.For("Schools").Skip("Roster.Skip.OrgType");
                }
            }
            foreach (var row in t.Rows)
            {
                if (Cell(t, row, "parentSourcedId") is { } parent && !orgTypes.ContainsKey(parent))
                {
                    problems.Add(t.File, row.Line, "parentSourcedId", "Roster.Problem.UnknownOrg", parent);
                }
            }
        }

        public void Sessions(CsvTable? t)
        {
            if (t is null)
            {
                return;
            }
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var types = new Dictionary<string, string>(StringComparer.Ordinal);
            var rows = new List<(CsvRow Row, PlanSession Session)>();
            foreach (var row in t.Rows)
            {
                if (Key(t, row, seen) is not var (id, active))
                {
                    continue;
                }
                var title = Required(t, row, "title");
                var type = Required(t, row, "type");
                var starts = Date(t, row, "startDate", required: true);
                var ends = Date(t, row, "endDate", required: true);
                if (title is null || type is null || starts is null || ends is null)
                {
                    continue;
                }
                if (ends < starts)
                {
                    problems.Add(t.File, row.Line, "endDate", "Roster.Problem.EndBeforeStart", ends.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                    continue;
                }
                if (type is not ("schoolYear" or "term" or "semester" or "gradingPeriod"))
                {
                    problems.Add(t.File, row.Line, "type", "Roster.Problem.BadSessionType", type);
                    continue;
                }
                types[id] = type;
                sessionIds.Add(id);
                rows.Add((row, new PlanSession(id, title, type, starts.Value, ends.Value, Cell(t, row, "parentSourcedId"), active)));
            }
            foreach (var (row, session) in rows)
            {
                if (session.Type == "schoolYear")
                {
                    plan.Sessions.Add(session with { Parent = null });
                    continue;
                }
                if (session.Type == "gradingPeriod")
                {
                    plan.For("Terms").Skip("Roster.Skip.GradingPeriod");
                    continue;
                }
                // A term or semester belongs to a school year: its parent, or the year whose dates contain it.
                var parent = session.Parent;
                if (parent is not null && !types.ContainsKey(parent) && !existing.Sessions.Contains(parent))
                {
                    problems.Add(t.File, row.Line, "parentSourcedId", "Roster.Problem.UnknownSession", parent);
                    continue;
                }
                if (parent is null || (types.TryGetValue(parent, out var parentType) && parentType != "schoolYear"))
                {
                    parent = rows.FirstOrDefault(r => r.Session.Type == "schoolYear" && r.Session.Starts <= session.Starts && r.Session.Ends >= session.Ends).Session?.SourcedId;
                }
                if (parent is null)
                {
                    problems.Add(t.File, row.Line, "parentSourcedId", "Roster.Problem.TermWithoutYear", session.SourcedId);
                    continue;
                }
                plan.Sessions.Add(session with { Parent = parent });
            }
        }

        public void Courses(CsvTable? t)
        {
            if (t is null)
            {
                return;
            }
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var row in t.Rows)
            {
                if (Key(t, row, seen) is var (id, _) && Required(t, row, "title") is { } title)
                {
                    courseTitles[id] = title;
                    if (Cell(t, row, "orgSourcedId") is { } org && !KnownOrg(org))
                    {
                        problems.Add(t.File, row.Line, "orgSourcedId", "Roster.Problem.UnknownOrg", org);
                    }
                }
            }
        }

        public void Classes(CsvTable? t)
        {
            if (t is null)
            {
                return;
            }
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var coursesInFile = plan.ModeOf(OneRosterImportReader.Courses) == RosterFileMode.Bulk;
            foreach (var row in t.Rows)
            {
                if (Key(t, row, seen) is not var (id, active))
                {
                    continue;
                }
                classIds.Add(id);
                var title = Required(t, row, "title");
                var course = Required(t, row, "courseSourcedId");
                var school = Required(t, row, "schoolSourcedId");
                var terms = List(Required(t, row, "termSourcedIds"));
                if (title is null || course is null || school is null || terms.Length == 0)
                {
                    continue;
                }
                string? courseName = null;
                if (course is not null && !courseTitles.TryGetValue(course, out courseName) && coursesInFile)
                {
                    problems.Add(t.File, row.Line, "courseSourcedId", "Roster.Problem.UnknownCourse", course);
                    continue;
                }
                if (!IsSchool(school))
                {
                    problems.Add(t.File, row.Line, "schoolSourcedId", "Roster.Problem.UnknownOrg", school);
                    continue;
                }
                var unknownTerm = terms.FirstOrDefault(s => !sessionIds.Contains(s) && !existing.Sessions.Contains(s));
                if (unknownTerm is not null)
                {
                    problems.Add(t.File, row.Line, "termSourcedIds", "Roster.Problem.UnknownSession", unknownTerm);
                    continue;
                }
                // The section's school year comes from its first term that is a year or a term of one.
                var session = terms.FirstOrDefault(s => plan.Sessions.Any(p => p.SourcedId == s) || existing.Sessions.Contains(s));
                if (session is null)
                {
                    problems.Add(t.File, row.Line, "termSourcedIds", "Roster.Problem.UnknownSession", terms[0]);
                    continue;
                }
                plan.Sections.Add(new PlanSection(id, school, title, courseName, session, active));
            }
        }

        public void Roles(CsvTable? t)
        {
            if (t is null)
            {
                return;
            }
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var row in t.Rows)
            {
                if (Key(t, row, seen) is not var (_, active))
                {
                    continue;
                }
                var user = Required(t, row, "userSourcedId");
                var roleType = Required(t, row, "roleType");
                var role = Required(t, row, "role");
                var org = Required(t, row, "orgSourcedId");
                Date(t, row, "beginDate", required: false);
                Date(t, row, "endDate", required: false);
                if (user is null || roleType is null || role is null || org is null)
                {
                    continue;
                }
                if (!KnownRoles.Contains(role))
                {
                    problems.Add(t.File, row.Line, "role", "Roster.Problem.UnknownRole", role);
                    continue;
                }
                if (roleType is not ("primary" or "secondary"))
                {
                    problems.Add(t.File, row.Line, "roleType", "Roster.Problem.BadRoleType", roleType);
                    continue;
                }
                if (!KnownOrg(org))
                {
                    problems.Add(t.File, row.Line, "orgSourcedId", "Roster.Problem.UnknownOrg", org);
                    continue;
                }
                if (!active)
                {
                    continue;
                }
                if (!roles.TryGetValue(user, out var list))
                {
                    roles[user] = list = [];
                }
                list.Add(new UserRole(role, org, roleType == "primary", t.File, row.Line, "userSourcedId"));
            }
        }

        public void Users(CsvTable? t)
        {
            if (t is null)
            {
                foreach (var (user, list) in roles)
                {
                    var first = list[0];
                    problems.Add(first.File, first.Line, first.Column, "Roster.Problem.UnknownUser", user);
                }
                return;
            }
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var emails = new Dictionary<string, int>(StringComparer.Ordinal);
            var numbers = new Dictionary<string, int>(StringComparer.Ordinal);
            var agents = new List<(CsvRow Row, string User, string[] Agents)>();
            foreach (var row in t.Rows)
            {
                if (Key(t, row, seen) is not var (id, active))
                {
                    continue;
                }
                var given = Required(t, row, "givenName") ?? "";
                var family = Required(t, row, "familyName") ?? "";
                if (Flag(t, row, "enabledUser") == false)
                {
                    active = false;
                }
                var userRoles = roles.GetValueOrDefault(id) ?? [];
                if (t.Has("role") && Cell(t, row, "role") is { } role11)
                {
                    // OneRoster 1.1: the role is in users.csv, the orgs in orgSourcedIds (the first is primary).
                    if (!KnownRoles.Contains(role11))
                    {
                        problems.Add(t.File, row.Line, "role", "Roster.Problem.UnknownRole", role11);
                        continue;
                    }
                    var orgs = List(Cell(t, row, "orgSourcedIds"));
                    var unknown = orgs.FirstOrDefault(o => !KnownOrg(o));
                    if (unknown is not null)
                    {
                        problems.Add(t.File, row.Line, "orgSourcedIds", "Roster.Problem.UnknownOrg", unknown);
                        continue;
                    }
                    userRoles = [.. userRoles, .. (orgs.Length == 0 ? new string?[] { null } : orgs).Select((o, i) => new UserRole(role11, o, i == 0, t.File, row.Line, "role"))];
                }
                if (Cell(t, row, "primaryOrgSourcedId") is { } primaryOrg && !KnownOrg(primaryOrg))
                {
                    problems.Add(t.File, row.Line, "primaryOrgSourcedId", "Roster.Problem.UnknownOrg", primaryOrg);
                    continue;
                }
                userFlags[id] = (Flag(t, row, "metadata.ell"), Flag(t, row, "metadata.iep"));
                var email = Cell(t, row, "email");
                if (email is not null)
                {
                    if (!email.Contains('@', StringComparison.Ordinal) || email.Length > 256)
                    {
                        problems.Add(t.File, row.Line, "email", "Roster.Problem.BadEmail", email);
                        continue;
                    }
                    var normalized = email.ToUpperInvariant();
                    if (emails.TryGetValue(normalized, out var otherLine))
                    {
                        problems.Add(t.File, row.Line, "email", "Roster.Problem.DuplicateEmail", email, otherLine.ToString(CultureInfo.InvariantCulture));
                        continue;
                    }
                    emails[normalized] = row.Line;
                    if (existing.Emails.TryGetValue(normalized, out var owner) && owner != id)
                    {
                        problems.Add(t.File, row.Line, "email", "Roster.Problem.EmailTaken", email);
                        continue;
                    }
                }

                var display = $"{given} {family}".Trim();
                if (!active)
                {
                    // Deactivation needs no more than the key; a row for a record this district never had is skipped.
                    var known = existing.Users.Contains(id) || existing.Students.Contains(id);
                    userKinds[id] = (existing.Students.Contains(id), true);
                    if (!known)
                    {
                        plan.For("Accounts").Skip("Roster.Skip.DeletedUnknown");
                        continue;
                    }
                    plan.Users.Add(new PlanUser(id, display, null, null, [], false, existing.Students.Contains(id)));
                    if (existing.Students.Contains(id))
                    {
                        plan.Students.Add(new PlanStudent(id, "", given, family, null, null, false));
                    }
                    continue;
                }

                var platformRoles = new HashSet<string>(StringComparer.Ordinal);
                string? school = null;
                var primarySchool = userRoles.Where(r => r.Org is not null && IsSchool(r.Org)).OrderByDescending(r => r.Primary).Select(r => r.Org).FirstOrDefault();
                if (Cell(t, row, "primaryOrgSourcedId") is { } primary && IsSchool(primary))
                {
                    primarySchool = primary;
                }
                foreach (var r in userRoles)
                {
                    switch (r.Role.ToLowerInvariant())
                    {
                        case "student": platformRoles.Add(Domain.Roles.Student); break;
                        case "teacher": platformRoles.Add(Domain.Roles.Teacher); break;
                        case "parent" or "guardian" or "relative":
                            platformRoles.Add(Domain.Roles.Guardian);
                            guardianRelationships[id] = r.Role.ToLowerInvariant() switch
                            {
                                "parent" => GuardianRelationship.Parent,
                                "guardian" => GuardianRelationship.Guardian,
                                _ => GuardianRelationship.Relative,
                            };
                            break;
                        case "principal" or "siteadministrator": platformRoles.Add(Domain.Roles.Principal); break;
                        case "districtadministrator" or "systemadministrator": platformRoles.Add(Domain.Roles.DistrictAdmin); break;
                        case "administrator":
                            platformRoles.Add(r.Org is not null && IsDistrict(r.Org) ? Domain.Roles.DistrictAdmin : Domain.Roles.Principal);
                            break;
                        default: break; // aide, proctor, counselor: not people this platform serves
                    }
                }
                var isStudent = platformRoles.Contains(Domain.Roles.Student);
                if (platformRoles.Count == 0 && userRoles.Count > 0)
                {
                    plan.For("Accounts").Skip("Roster.Skip.RoleNotUsed");
                    continue;
                }
                if (userRoles.Count == 0)
                {
                    // A delta may update a person without restating their roles: keep what the district has.
                    if (!existing.Users.Contains(id) && !existing.Students.Contains(id))
                    {
                        problems.Add(t.File, row.Line, "sourcedId", "Roster.Problem.NoRole", id);
                        continue;
                    }
                    isStudent = existing.Students.Contains(id);
                }
                if (isStudent)
                {
                    platformRoles = [Domain.Roles.Student];
                    school = primarySchool;
                    if (school is null && !existing.Students.Contains(id))
                    {
                        problems.Add(t.File, row.Line, t.Has("role") ? "orgSourcedIds" : "sourcedId", "Roster.Problem.StudentWithoutSchool", id);
                        continue;
                    }
                    int? grade = null;
                    if (List(Cell(t, row, "grades")).FirstOrDefault() is { } gradeText)
                    {
                        grade = GradeLevel(gradeText);
                        if (grade is null)
                        {
                            problems.Add(t.File, row.Line, "grades", "Roster.Problem.BadGrade", gradeText);
                            continue;
                        }
                    }
                    var number = Cell(t, row, "identifier") ?? id;
                    if (numbers.TryGetValue(number, out var numberLine))
                    {
                        problems.Add(t.File, row.Line, "identifier", "Roster.Problem.DuplicateNumber", number, numberLine.ToString(CultureInfo.InvariantCulture));
                        continue;
                    }
                    numbers[number] = row.Line;
                    if (existing.StudentNumbers.TryGetValue(number, out var holder) && holder != id)
                    {
                        problems.Add(t.File, row.Line, "identifier", "Roster.Problem.NumberTaken", number);
                        continue;
                    }
                    plan.Students.Add(new PlanStudent(id, number, given, family, grade, school, true));
                }
                else
                {
                    school = primarySchool;
                }
                userKinds[id] = (isStudent, false);
                plan.Users.Add(new PlanUser(id, display, email, school, [.. platformRoles.Order(StringComparer.Ordinal)], true, isStudent));
                if (List(Cell(t, row, "agentSourcedIds")) is { Length: > 0 } agentIds)
                {
                    agents.Add((row, id, agentIds));
                }
            }
            foreach (var user in roles.Keys.Where(u => !seen.Contains(u) && !existing.Users.Contains(u) && !existing.Students.Contains(u)))
            {
                var first = roles[user][0];
                problems.Add(first.File, first.Line, first.Column, "Roster.Problem.UnknownUser", user);
            }

            // Guardian links from agentSourcedIds, whichever side lists them; each pair once.
            var links = new HashSet<(string Guardian, string Student)>();
            foreach (var (row, user, agentIds) in agents)
            {
                foreach (var agent in agentIds)
                {
                    if (!userKinds.ContainsKey(agent) && !existing.Users.Contains(agent) && !existing.Students.Contains(agent))
                    {
                        problems.Add(t.File, row.Line, "agentSourcedIds", "Roster.Problem.UnknownUser", agent);
                        continue;
                    }
                    var userIsStudent = userKinds[user].Student;
                    var agentIsStudent = userKinds.TryGetValue(agent, out var k) ? k.Student : existing.Students.Contains(agent);
                    if (userIsStudent == agentIsStudent)
                    {
                        plan.For("GuardianLinks").Skip("Roster.Skip.AgentNotGuardian");
                        continue;
                    }
                    var (guardian, student) = userIsStudent ? (agent, user) : (user, agent);
                    if ((userKinds.TryGetValue(guardian, out var g) && g.Deleted) || (userKinds.TryGetValue(student, out var s) && s.Deleted))
                    {
                        continue;
                    }
                    if (links.Add((guardian, student)))
                    {
                        plan.Links.Add(new PlanLink(guardian, student, guardianRelationships.GetValueOrDefault(guardian, GuardianRelationship.Guardian)));
                    }
                }
            }
        }

        /// <summary>OneRoster grade codes (CEDS): "KG" is 0, "PK" and earlier -1, "01"–"13" their number.</summary>
        internal static int? GradeLevel(string code) => code.ToUpperInvariant() switch
        {
            "KG" => 0,
            "PK" or "PR" or "IT" or "TK" => -1,
            _ when int.TryParse(code, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 13 => n,
            _ => null,
        };

        public void Demographics(CsvTable? t)
        {
            var withDemographics = new HashSet<string>(StringComparer.Ordinal);
            if (t is not null)
            {
                var seen = new HashSet<string>(StringComparer.Ordinal);
                string[] raceColumns = ["americanIndianOrAlaskaNative", "asian", "blackOrAfricanAmerican", "nativeHawaiianOrOtherPacificIslander", "white"];
                RaceEthnicity[] raceValues = [RaceEthnicity.AmericanIndianOrAlaskaNative, RaceEthnicity.Asian, RaceEthnicity.BlackOrAfricanAmerican, RaceEthnicity.NativeHawaiianOrOtherPacificIslander, RaceEthnicity.White];
                foreach (var row in t.Rows)
                {
                    if (Key(t, row, seen) is not var (id, active))
                    {
                        continue;
                    }
                    Date(t, row, "birthDate", required: false);
                    var isStudent = userKinds.TryGetValue(id, out var kind) ? kind.Student : existing.Students.Contains(id);
                    if (!userKinds.ContainsKey(id) && !existing.Users.Contains(id) && !existing.Students.Contains(id))
                    {
                        problems.Add(t.File, row.Line, "sourcedId", "Roster.Problem.UnknownUser", id);
                        continue;
                    }
                    Sex? sex = null;
                    if (Cell(t, row, "sex") is { } sexText)
                    {
                        sex = sexText.ToLowerInvariant() switch
                        {
                            "female" => Sex.Female,
                            "male" => Sex.Male,
                            "other" => Sex.Other,
                            "unspecified" => Sex.Unspecified,
                            _ => null,
                        };
                        if (sex is null)
                        {
                            problems.Add(t.File, row.Line, "sex", "Roster.Problem.BadSex", sexText);
                            continue;
                        }
                    }
                    var races = new List<RaceEthnicity>();
                    for (var i = 0; i < raceColumns.Length; i++)
                    {
                        if (Flag(t, row, raceColumns[i]) == true)
                        {
                            races.Add(raceValues[i]);
                        }
                    }
                    var two = Flag(t, row, "demographicRaceTwoOrMoreRaces") == true;
                    var hispanic = Flag(t, row, "hispanicOrLatinoEthnicity") == true;
                    var race = StudentGroups.Category(hispanic, races) ?? (two ? RaceEthnicity.TwoOrMoreRaces : null);
                    var ell = Flag(t, row, "metadata.ell");
                    var iep = Flag(t, row, "metadata.iep");
                    if (!isStudent)
                    {
                        plan.For("StudentGroups").Skip("Roster.Skip.NotStudent");
                        continue;
                    }
                    if (!active)
                    {
                        (sex, race) = (null, null);
                    }
                    var flags = userFlags.GetValueOrDefault(id);
                    withDemographics.Add(id);
                    plan.Groups.Add(new PlanGroups(id, sex, race, ell ?? flags.Ell, iep ?? flags.Iep, true));
                }
            }
            // metadata.ell / metadata.iep on users.csv count even without a demographics row.
            foreach (var (id, (ell, iep)) in userFlags)
            {
                if ((ell is not null || iep is not null) && !withDemographics.Contains(id) && userKinds.TryGetValue(id, out var kind) && kind.Student)
                {
                    plan.Groups.Add(new PlanGroups(id, null, null, ell, iep, false));
                }
            }
        }

        public void Enrollments(CsvTable? t)
        {
            if (t is null)
            {
                return;
            }
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var pairs = new HashSet<(string, string)>();
            foreach (var row in t.Rows)
            {
                if (Key(t, row, seen) is not var (_, active))
                {
                    continue;
                }
                var section = Required(t, row, "classSourcedId");
                var user = Required(t, row, "userSourcedId");
                var role = Required(t, row, "role");
                Date(t, row, "beginDate", required: false);
                Date(t, row, "endDate", required: false);
                if (section is null || user is null || role is null)
                {
                    continue;
                }
                if (Cell(t, row, "schoolSourcedId") is { } school && !KnownOrg(school))
                {
                    problems.Add(t.File, row.Line, "schoolSourcedId", "Roster.Problem.UnknownOrg", school);
                    continue;
                }
                if (!classIds.Contains(section) && !existing.Sections.Contains(section))
                {
                    problems.Add(t.File, row.Line, "classSourcedId", "Roster.Problem.UnknownClass", section);
                    continue;
                }
                var known = userKinds.TryGetValue(user, out var kind);
                if (!known && !existing.Users.Contains(user) && !existing.Students.Contains(user))
                {
                    problems.Add(t.File, row.Line, "userSourcedId", "Roster.Problem.UnknownUser", user);
                    continue;
                }
                var isStudent = known ? kind.Student : existing.Students.Contains(user);
                switch (role)
                {
                    case "student" when isStudent:
                    case "teacher" when !isStudent:
                        if (pairs.Add((section, user)))
                        {
                            plan.Enrollments.Add(new PlanEnrollment(section, user, role == "teacher", active));
                        }
                        break;
                    case "student" or "teacher":
                        problems.Add(t.File, row.Line, "role", "Roster.Problem.EnrollmentRoleMismatch", role, user);
                        break;
                    case "administrator" or "proctor" or "aide":
                        plan.For("Enrollments").Skip("Roster.Skip.EnrollmentRole");
                        break;
                    default:
                        problems.Add(t.File, row.Line, "role", "Roster.Problem.UnknownRole", role);
                        break;
                }
            }
        }
    }
}
