using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.Web.Features.Standards;

/// <summary>
/// Imports a CASE package as a competency framework. The package is read and checked first
/// (<see cref="CasePackageReader"/>); when it is usable it is applied in one transaction, keyed on CASE identifiers so
/// that importing it again updates in place. Standards dropped from the package are removed only when nothing refers
/// to them (no evidence, rollup or plan goal); otherwise they are kept and counted.
/// </summary>
public sealed class CaseImportService(
    IDbContextFactory<AppDbContext> dbf, CurrentUser currentUser, DistrictClock clock, ILogger<CaseImportService> logger)
{
    public const long MaxBytes = 20 * 1024 * 1024;

    /// <summary>The district's frameworks, for the page (admins only; empty for anyone else).</summary>
    public async Task<IReadOnlyList<FrameworkRow>> FrameworksAsync(CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        if (!me.Is(Roles.DistrictAdmin))
        {
            return [];
        }
        await using var db = await dbf.CreateDbContextAsync(ct);
        var districtId = await db.DistrictIdAsync(me, ct);
        return await db.Frameworks.AsNoTracking().Where(f => f.DistrictId == districtId).OrderBy(f => f.Name)
            .Select(f => new FrameworkRow(f.Id, f.Name, f.Code, f.CaseIdentifier, f.Standards.Count))
            .ToListAsync(ct);
    }

    public async Task<CaseImportOutcome> ImportAsync(Stream upload, CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        if (!me.Is(Roles.DistrictAdmin))
        {
            logger.LogWarning("Standards import refused for {UserId}: not a district admin", me.UserId);
            return new CaseImportOutcome(null, [], "AccessDeniedBody");
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await upload.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
            {
                return new CaseImportOutcome(null, [], "Case.TooLarge");
            }
            buffer.Write(chunk, 0, read);
        }
        var result = CasePackageReader.Read(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        if (result.Package is null)
        {
            logger.LogInformation("Standards import by {UserId} rejected: {Errors} problems", me.UserId, result.Errors.Count());
            return new CaseImportOutcome(null, result.Problems, "Case.Unusable");
        }
        return await ApplyAsync(me, result.Package, [.. result.Warnings], ct);
    }

    private async Task<CaseImportOutcome> ApplyAsync(Viewer me, CasePackage package, IReadOnlyList<CaseProblem> warnings, CancellationToken ct)
    {
        var now = clock.Time.GetUtcNow();
        var summary = await dbf.InTransactionAsync(async (db, t) =>
        {
            var districtId = await db.DistrictIdAsync(me, t);
            if (districtId is null)
            {
                return null;
            }
            // One import per framework at a time: a second upload of the same package waits for the first.
            await db.Database.ExecuteSqlAsync(
                $"SELECT pg_advisory_xact_lock(hashtext({"case:" + package.Document.Identifier.ToUpperInvariant()}))", t);
            var frameworks = await db.Frameworks.Where(f => f.DistrictId == districtId).ToListAsync(t);
            var framework = frameworks.FirstOrDefault(f =>
                string.Equals(f.CaseIdentifier, package.Document.Identifier, StringComparison.OrdinalIgnoreCase));
            var created = framework is null;
            if (framework is null)
            {
                framework = NewFramework(districtId.Value, package.Document, frameworks.Select(f => f.Code).ToHashSet(StringComparer.OrdinalIgnoreCase), me, now);
                db.Frameworks.Add(framework);
                await db.SaveChangesAsync(t);
                db.MethodVersions.Add(new MasteryMethodVersion
                {
                    FrameworkId = framework.Id,
                    Version = framework.MethodVersion,
                    Method = framework.Method,
                    Parameter = framework.MethodParameter,
                    MasteryPoints = 3,
                    ChangedAt = now,
                    ChangedByUserId = me.UserId,
                });
            }
            else
            {
                framework.Name = package.Document.Title;
            }

            var existing = await db.Standards.Include(s => s.Prerequisites).Where(s => s.FrameworkId == framework.Id).ToListAsync(t);
            var byCase = existing.Where(s => s.CaseIdentifier != null)
                .GroupBy(s => s.CaseIdentifier!, StringComparer.OrdinalIgnoreCase)
                .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
            var incoming = package.Standards.Select(s => s.Identifier).ToHashSet(StringComparer.OrdinalIgnoreCase);

            // Codes are unique per framework: a code moving from one standard to another (or from a dropped one)
            // goes through a temporary code first.
            var targetCodes = package.Standards.Select(s => s.Code).ToHashSet(StringComparer.Ordinal);
            var moving = existing.Where(s => targetCodes.Contains(s.Code)
                && (s.CaseIdentifier is null || !incoming.Contains(s.CaseIdentifier)
                    || package.Standards.First(p => string.Equals(p.Identifier, s.CaseIdentifier, StringComparison.OrdinalIgnoreCase)).Code != s.Code)).ToList();
            var originalCodes = moving.ToDictionary(s => s.Id, s => s.Code);
            foreach (var s in moving)
            {
                s.Code = $"~{s.Id.ToString(CultureInfo.InvariantCulture)}";
            }
            if (moving.Count > 0)
            {
                await db.SaveChangesAsync(t);
            }

            var (added, updated, unchanged) = (0, 0, 0);
            var standards = new Dictionary<string, Standard>(StringComparer.OrdinalIgnoreCase);
            foreach (var item in package.Standards)
            {
                if (!byCase.TryGetValue(item.Identifier, out var standard))
                {
                    standard = new Standard { FrameworkId = framework.Id, Code = item.Code, Statement = item.Statement, CaseIdentifier = item.Identifier };
                    db.Standards.Add(standard);
                    added++;
                }
                standards[item.Identifier] = standard;
            }
            await db.SaveChangesAsync(t); // ids for new standards

            var packagePrereqs = package.Prerequisites.ToLookup(p => p.Standard, StringComparer.OrdinalIgnoreCase);
            var prerequisiteCount = 0;
            foreach (var item in package.Standards)
            {
                var standard = standards[item.Identifier];
                var isNew = !byCase.ContainsKey(item.Identifier);
                var parentId = item.ParentIdentifier is null ? (int?)null : standards[item.ParentIdentifier].Id;
                var wantedPrereqs = packagePrereqs[item.Identifier].Select(p => standards[p.Prerequisite]).ToList();
                var wasCode = standard.Code.StartsWith('~') && originalCodes.TryGetValue(standard.Id, out var original) ? original : standard.Code;
                var same = wasCode == item.Code && standard.Statement == item.Statement && standard.GradeLevels == item.GradeLevels
                    && standard.ParentId == parentId && standard.SortOrder == item.SortOrder
                    && standard.Prerequisites.Select(p => p.Id).Order().SequenceEqual(wantedPrereqs.Select(p => p.Id).Order());
                standard.Code = item.Code;
                standard.Statement = item.Statement;
                standard.GradeLevels = item.GradeLevels;
                standard.ParentId = parentId;
                standard.SortOrder = item.SortOrder;
                if (!standard.Prerequisites.Select(p => p.Id).Order().SequenceEqual(wantedPrereqs.Select(p => p.Id).Order()))
                {
                    standard.Prerequisites.Clear();
                    standard.Prerequisites.AddRange(wantedPrereqs);
                }
                prerequisiteCount += wantedPrereqs.Count;
                if (!isNew)
                {
                    if (same)
                    {
                        unchanged++;
                    }
                    else
                    {
                        updated++;
                    }
                }
            }

            // Standards no longer in the package (from an earlier import of it).
            var dropped = existing.Where(s => s.CaseIdentifier != null && !incoming.Contains(s.CaseIdentifier)).ToList();
            var droppedIds = dropped.Select(s => s.Id).ToList();
            var referenced = (await db.Evidence.Where(e => droppedIds.Contains(e.StandardId)).Select(e => e.StandardId).Distinct().ToListAsync(t))
                .Concat(await db.MasteryRollups.Where(r => droppedIds.Contains(r.StandardId)).Select(r => r.StandardId).Distinct().ToListAsync(t))
                .Concat(await db.PlanGoals.SelectMany(g => g.Standards).Where(s => droppedIds.Contains(s.Id)).Select(s => s.Id).Distinct().ToListAsync(t))
                .ToHashSet();
            var removable = dropped.Where(s => !referenced.Contains(s.Id)).ToList();
            var removableIds = removable.Select(s => s.Id).ToHashSet();
            foreach (var s in existing.Where(s => s.ParentId is { } p && removableIds.Contains(p) && !removableIds.Contains(s.Id)))
            {
                s.ParentId = null;
            }
            foreach (var s in existing)
            {
                s.Prerequisites.RemoveAll(p => removableIds.Contains(p.Id));
            }
            foreach (var s in removable)
            {
                s.Prerequisites.Clear();
            }
            await db.SaveChangesAsync(t);
            db.Standards.RemoveRange(removable);
            // Kept standards that left the package go after the imported ones, with their code back if it is free.
            var order = package.Standards.Count;
            foreach (var s in dropped.Where(s => !removableIds.Contains(s.Id)).OrderBy(s => s.SortOrder))
            {
                s.SortOrder = ++order;
                if (s.Code.StartsWith('~'))
                {
                    s.Code = $"{originalCodes[s.Id][..Math.Min(originalCodes[s.Id].Length, 40)]}~{s.Id.ToString(CultureInfo.InvariantCulture)}";
                }
            }
            await db.SaveChangesAsync(t);
            return new CaseImportSummary(framework.Id, framework.Name, created, added, updated, unchanged,
                removable.Count, dropped.Count - removable.Count, prerequisiteCount, warnings);
        }, ct);
        if (summary is null)
        {
            return new CaseImportOutcome(null, [], "AccessDeniedBody");
        }
        logger.LogInformation(
            "Standards imported into framework {FrameworkId} by {UserId} at {At}: {Created} created, {Updated} updated, {Unchanged} unchanged, {Removed} removed, {Kept} kept with evidence, {Prerequisites} prerequisites",
            summary.FrameworkId, me.UserId, now, summary.Created, summary.Updated, summary.Unchanged, summary.Removed, summary.KeptWithEvidence, summary.Prerequisites);
        return new CaseImportOutcome(summary, warnings);
    }

    /// <summary>A framework for a new package, with the default 4-level scale and decaying average at 65%.</summary>
    private static CompetencyFramework NewFramework(int districtId, CaseDocument document, HashSet<string> takenCodes, Viewer me, DateTimeOffset now)
    {
        var stem = CodeFrom(document.Title);
        var code = stem;
        for (var n = 2; takenCodes.Contains(code); n++)
        {
            code = $"{stem[..Math.Min(stem.Length, 44)]}-{n.ToString(CultureInfo.InvariantCulture)}";
        }
        return new CompetencyFramework
        {
            DistrictId = districtId,
            Name = document.Title,
            Code = code,
            CaseIdentifier = document.Identifier,
            Method = MasteryMethod.DecayingAverage,
            MethodParameter = 65,
            MethodVersion = 1,
            SettingsChangedAt = now,
            SettingsChangedByUserId = me.UserId,
            Levels = DefaultScale(),
        };
    }

    /// <summary>The default scale: Beginning 1, Developing 2, Proficient 3 (mastery), Advanced 4 (as in the demo district).</summary>
    public static List<MasteryLevel> DefaultScale() =>
    [
        new MasteryLevel { Points = 1, Name = "Beginning", Color = "#E57373" },
        new MasteryLevel { Points = 2, Name = "Developing", Color = "#FFB74D" },
        new MasteryLevel { Points = 3, Name = "Proficient", Color = "#81C784", IsMastery = true },
        new MasteryLevel { Points = 4, Name = "Advanced", Color = "#4FC3F7" },
    ];

    /// <summary>A short upper-case code from a title: letters and digits of each word, e.g. "CASE-GRADE-6-8-MATH".</summary>
    private static string CodeFrom(string title)
    {
        var sb = new StringBuilder();
        foreach (var c in title.Normalize(NormalizationForm.FormD))
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                sb.Append(char.ToUpperInvariant(c));
            }
            else if ((char.IsWhiteSpace(c) || c is '-' or '_' or '–') && sb.Length > 0 && sb[^1] != '-')
            {
                sb.Append('-');
            }
        }
        var code = sb.ToString().Trim('-');
        code = code.Length == 0 ? "CASE" : code;
        return code[..Math.Min(code.Length, 40)].TrimEnd('-');
    }
}

public sealed record FrameworkRow(int Id, string Name, string Code, string? CaseIdentifier, int Standards);
