using Microsoft.EntityFrameworkCore;
using Npgsql;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.Bench.Circuits;

/// <summary>
/// A guardian, the children their page shows, and one child whose teacher can record evidence: the section, standards
/// of the same framework the child has no evidence on yet (so each new evidence visibly changes the page) and a score.
/// </summary>
public sealed record GuardianTarget(
    string Email, IReadOnlyList<int> Children, int StudentId, string TeacherEmail, int SectionId, IReadOnlyList<int> Standards, decimal Score);

/// <summary>The demo district's sign-in accounts the circuit scenarios use (every demo account has the demo password).</summary>
public sealed record BenchAccounts(
    IReadOnlyList<GuardianTarget> Guardians, IReadOnlyList<string> Students, IReadOnlyList<string> PlanEditors,
    IReadOnlyList<(string Email, int SectionId)> Teachers)
{
    public const string Password = "CedarValley-Demo-2026";

    /// <summary>Drops and recreates the bench database; the first app node migrates and seeds it.</summary>
    public static async Task<string> FreshDatabaseAsync(string serverConnectionString, string name)
    {
        await using (var admin = new NpgsqlConnection(serverConnectionString))
        {
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = name, MaxPoolSize = 40 }.ConnectionString;
    }

    public static async Task<BenchAccounts> LoadAsync(string connectionString)
    {
        var options = new DbContextOptionsBuilder<AppDbContext>();
        DatabaseSetup.ConfigureNpgsql(options, connectionString);
        await using var db = new AppDbContext(options.Options);

        // One evidence row per (student, section) the seed already recorded tells a standard that section assesses.
        var assessed = await db.Evidence.Where(e => e.SectionId != null && e.VoidedAt == null)
            .GroupBy(e => new { e.StudentId, SectionId = e.SectionId!.Value })
            .Select(g => new { g.Key.StudentId, g.Key.SectionId, StandardId = g.Min(e => e.StandardId) })
            .ToListAsync();
        var teacherOf = await db.SectionTeachers
            .Join(db.Users, t => t.TeacherUserId, u => u.Id, (t, u) => new { t.SectionId, u.Email })
            .ToListAsync();
        var standards = await db.Standards
            .Select(s => new { s.Id, s.FrameworkId, Score = s.Framework!.Levels.Max(l => l.Points) })
            .ToListAsync();
        var scoreOf = standards.ToDictionary(s => s.Id, s => s.Score);
        var frameworkOf = standards.ToDictionary(s => s.Id, s => s.FrameworkId);
        var evidenced = (await db.Evidence.Select(e => new { e.StudentId, e.StandardId }).Distinct().ToListAsync())
            .Select(e => (e.StudentId, e.StandardId)).ToHashSet();
        var links = await db.GuardianLinks.Where(l => !l.CustodyRestricted)
            .Join(db.Users, l => l.GuardianUserId, u => u.Id, (l, u) => new { u.Email, l.StudentId })
            .ToListAsync();

        var sectionTeacher = teacherOf.GroupBy(t => t.SectionId).ToDictionary(g => g.Key, g => g.First().Email!);
        var byStudent = assessed.Where(a => sectionTeacher.ContainsKey(a.SectionId))
            .GroupBy(a => a.StudentId).ToDictionary(g => g.Key, g => g.First());
        var guardians = links
            .GroupBy(l => l.Email!)
            .Where(g => g.Any(l => byStudent.ContainsKey(l.StudentId)))
            .Select(g =>
            {
                var a = byStudent[g.First(l => byStudent.ContainsKey(l.StudentId)).StudentId];
                var fresh = standards.Where(s => s.FrameworkId == frameworkOf[a.StandardId] && !evidenced.Contains((a.StudentId, s.Id)))
                    .Select(s => s.Id).ToList();
                return new GuardianTarget(g.Key, [.. g.Select(l => l.StudentId).Distinct()], a.StudentId,
                    sectionTeacher[a.SectionId], a.SectionId, fresh, scoreOf[a.StandardId]);
            })
            .OrderBy(g => g.Email, StringComparer.Ordinal)
            .ToList();

        var students = await db.Students.Where(s => s.UserId != null)
            .Join(db.Users, s => s.UserId, u => u.Id, (s, u) => new { u.Email, s.Id })
            .OrderBy(s => s.Id).Select(s => s.Email!).ToListAsync();
        var editable = new[] { PlanStatus.Draft, PlanStatus.ChangesRequested, PlanStatus.Active };
        var editors = await db.Plans.Where(p => editable.Contains(p.Status) && p.Student!.UserId != null)
            .Join(db.Users, p => p.Student!.UserId, u => u.Id, (p, u) => new { u.Email, p.StudentId })
            .OrderBy(p => p.StudentId).Select(p => p.Email!).Distinct().ToListAsync();
        var teachers = teacherOf.GroupBy(t => t.Email!).Select(g => (g.Key, g.Min(t => t.SectionId)))
            .OrderBy(t => t.Key, StringComparer.Ordinal).ToList();
        return new BenchAccounts(guardians, students, editors, teachers);
    }
}
