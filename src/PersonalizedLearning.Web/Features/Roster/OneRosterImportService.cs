using System.IO.Compression;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.Web.Features.Roster;

/// <summary>
/// Imports a OneRoster 1.2 (or 1.1) CSV zip for the district admin's district: reads every file by header name,
/// validates all of it (any problem → nothing applied), then applies it in one transaction — small tables through EF,
/// people, sections and enrollments set-based (binary COPY into temporary tables, then UPDATE … WHERE IS DISTINCT FROM
/// and INSERT … ON CONFLICT), so a re-import of the same file changes nothing. Every attempt is written to the
/// import history and the log (ids and counts only).
/// </summary>
public sealed partial class OneRosterImportService(
    IDbContextFactory<AppDbContext> dbf, CurrentUser currentUser, TimeProvider clock,
    IOptions<RosterImportOptions> options, ILogger<OneRosterImportService> logger)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public RosterImportOptions Limits => options.Value;

    /// <summary>For tests: runs after each apply step (inside the transaction) with the step's name.</summary>
    internal Func<string, Task>? AfterApplyStep { get; set; }

    public async Task<RosterImportResult> ImportAsync(
        Stream zip, string fileName, long length, IProgress<RosterImportProgress>? progress = null, CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        var started = clock.GetUtcNow();
        int? districtId;
        await using (var db = await dbf.CreateDbContextAsync(ct))
        {
            districtId = me.Is(Roles.DistrictAdmin) ? await db.DistrictIdAsync(me, ct) : null;
        }
        if (districtId is null)
        {
            logger.LogWarning("Roster import refused for {UserId}: not a district administrator", me.UserId);
            return Rejected("", [new RosterProblem("", 0, "", "Roster.Problem.NotAllowed")]);
        }
        var problems = new RosterProblems();
        var limits = options.Value;
        if (length > limits.MaxBytes)
        {
            problems.Add(fileName, 0, "", "Roster.Problem.TooLarge", Megabytes(length), Megabytes(limits.MaxBytes));
            return await RecordRejectedAsync(districtId.Value, me, fileName, "", started, problems);
        }

        progress?.Report(new RosterImportProgress(RosterImportPhase.Reading, 0));
        var existing = await ExistingAsync(districtId.Value, ct);
        RosterPlan? plan;
        try
        {
            using var archive = new ZipArchive(zip, ZipArchiveMode.Read, leaveOpen: true);
            plan = await Task.Run(() => OneRosterImportReader.Read(archive, existing, limits, problems, (phase, fraction) =>
                progress?.Report(new RosterImportProgress(phase, (int)(fraction * 100))), ct), ct);
        }
        catch (InvalidDataException)
        {
            problems.Add(fileName, 0, "", "Roster.Problem.NotAZip");
            plan = null;
        }
        if (plan is null || problems.Count > 0)
        {
            return await RecordRejectedAsync(districtId.Value, me, fileName, plan?.Mode ?? "", started, problems);
        }

        progress?.Report(new RosterImportProgress(RosterImportPhase.Applying, 0));
        try
        {
            var (summary, invitations, importId) = await dbf.InTransactionAsync(
                (db, token) => ApplyAsync(db, me, districtId.Value, plan, fileName, started, progress, token), ct);
            logger.LogInformation(
                "Roster import {ImportId} ({Mode}) applied by {UserId} in district {DistrictId}: {Summary}",
                importId, plan.Mode, me.UserId, districtId, JsonSerializer.Serialize(summary, Json));
            progress?.Report(new RosterImportProgress(RosterImportPhase.Done, 100));
            return new RosterImportResult(RosterImportOutcome.Applied, plan.Mode, [], summary, invitations, importId);
        }
        catch (Exception ex)
        {
            var cancelled = ex is OperationCanceledException;
            if (cancelled)
            {
                logger.LogWarning("Roster import by {UserId} was cancelled while applying; nothing was applied", me.UserId);
            }
            else
            {
                logger.LogError(ex, "Roster import by {UserId} failed while applying; nothing was applied", me.UserId);
            }
            var failed = new RosterProblem(fileName, 0, "", cancelled ? "Roster.Problem.Cancelled" : "Roster.Problem.ApplyFailed");
            var id = await RecordAsync(districtId.Value, me, fileName, plan.Mode, started, RosterImportOutcome.Failed, 1, []);
            return new RosterImportResult(RosterImportOutcome.Failed, plan.Mode, [failed], [], [], id);
        }
    }

    public async Task<IReadOnlyList<RosterImportHistoryRow>> HistoryAsync(CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        await using var db = await dbf.CreateDbContextAsync(ct);
        var districtId = me.Is(Roles.DistrictAdmin) ? await db.DistrictIdAsync(me, ct) : null;
        if (districtId is null)
        {
            return [];
        }
        var rows = await db.RosterImports.AsNoTracking().Where(r => r.DistrictId == districtId)
            .OrderByDescending(r => r.StartedAt).Take(20)
            .Select(r => new { r.Id, r.StartedAt, By = db.Users.Where(u => u.Id == r.UserId).Select(u => u.DisplayName).FirstOrDefault(), r.FileName, r.Mode, r.Outcome, r.ProblemCount, r.Summary })
            .ToListAsync(ct);
        return [.. rows.Select(r => new RosterImportHistoryRow(r.Id, r.StartedAt, r.By ?? "", r.FileName, r.Mode, r.Outcome, r.ProblemCount,
            JsonSerializer.Deserialize<List<RosterEntitySummary>>(r.Summary, Json) ?? []))];
    }

    private static string Megabytes(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("0.#", System.Globalization.CultureInfo.CurrentCulture);

    private static RosterImportResult Rejected(string mode, IReadOnlyList<RosterProblem> problems) =>
        new(RosterImportOutcome.Rejected, mode, problems, [], [], null);

    private async Task<RosterImportResult> RecordRejectedAsync(
        int districtId, Viewer me, string fileName, string mode, DateTimeOffset started, RosterProblems problems)
    {
        var id = await RecordAsync(districtId, me, fileName, mode, started, RosterImportOutcome.Rejected, problems.Count, []);
        logger.LogInformation("Roster import {ImportId} by {UserId} rejected with {ProblemCount} problems; nothing applied", id, me.UserId, problems.Count);
        return new RosterImportResult(RosterImportOutcome.Rejected, mode, problems.List, [], [], id);
    }

    private async Task<int> RecordAsync(
        int districtId, Viewer me, string fileName, string mode, DateTimeOffset started, RosterImportOutcome outcome, int problems,
        IReadOnlyList<RosterEntitySummary> summary)
    {
        return await dbf.InTransactionAsync(async (db, token) =>
        {
            var row = History(districtId, me, fileName, mode, started, outcome, problems, summary);
            db.RosterImports.Add(row);
            await db.SaveChangesAsync(token);
            return row.Id;
        }, CancellationToken.None);
    }

    private RosterImport History(
        int districtId, Viewer me, string fileName, string mode, DateTimeOffset started, RosterImportOutcome outcome, int problems,
        IReadOnlyList<RosterEntitySummary> summary) => new()
        {
            DistrictId = districtId,
            UserId = me.UserId,
            StartedAt = started,
            FinishedAt = clock.GetUtcNow(),
            FileName = fileName.Length > 260 ? fileName[..260] : fileName,
            Mode = mode,
            Outcome = outcome,
            ProblemCount = problems,
            Summary = JsonSerializer.Serialize(summary, Json),
        };

    private async Task<RosterExisting> ExistingAsync(int districtId, CancellationToken ct)
    {
        await using var db = await dbf.CreateDbContextAsync(ct);
        var schools = await db.Schools.Where(s => s.DistrictId == districtId).Select(s => s.SourcedId).ToListAsync(ct);
        var users = await db.Users.Where(u => u.DistrictId == districtId && u.SourcedId != null).Select(u => u.SourcedId!).ToListAsync(ct);
        var students = await db.Students.Where(s => s.DistrictId == districtId).Select(s => new { s.SourcedId, s.StudentNumber }).ToListAsync(ct);
        var sections = await db.Sections.Where(s => db.Schools.Any(sc => sc.Id == s.SchoolId && sc.DistrictId == districtId)).Select(s => s.SourcedId).ToListAsync(ct);
        var years = await db.SchoolYears.Where(y => y.DistrictId == districtId && y.SourcedId != null).Select(y => y.SourcedId!).ToListAsync(ct);
        var terms = await db.Terms.Where(t => t.SourcedId != null && db.SchoolYears.Any(y => y.Id == t.SchoolYearId && y.DistrictId == districtId)).Select(t => t.SourcedId!).ToListAsync(ct);
        var emails = await db.Users.Where(u => u.NormalizedEmail != null).Select(u => new { u.NormalizedEmail, u.SourcedId }).ToListAsync(ct);
        return new RosterExisting
        {
            Schools = new(schools, StringComparer.Ordinal),
            Users = new(users, StringComparer.Ordinal),
            Students = new(students.Select(s => s.SourcedId), StringComparer.Ordinal),
            Sections = new(sections, StringComparer.Ordinal),
            Sessions = new(years.Concat(terms), StringComparer.Ordinal),
            Emails = emails.GroupBy(e => e.NormalizedEmail!).ToDictionary(g => g.Key, g => g.First().SourcedId, StringComparer.Ordinal),
            StudentNumbers = students.Where(s => s.StudentNumber.Length > 0).GroupBy(s => s.StudentNumber).ToDictionary(g => g.Key, g => g.First().SourcedId, StringComparer.Ordinal),
        };
    }
}
