using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PersonalizedLearning.Bench.Core;
using PersonalizedLearning.Web.Features.Mastery;

namespace PersonalizedLearning.Bench.Scenarios;

/// <summary>
/// Scenario 2: recording one evidence interactively (EvidenceService.RecordForStudentAsync: access check, advisory
/// lock, evidence row, rollup recompute, audit row, one durable commit; the change event is sent after the commit by
/// the node's publisher) by 8 teachers at once. The goal's reference is 8 connections doing raw single-row autocommit
/// INSERTs of the same rows (same students, standards, sections, recording teachers) into <c>evidence</c> ITSELF — the
/// same table, size, indexes and four foreign keys the app inserts into — deleted again afterwards (then VACUUM).
/// Until Nov 30 the reference inserted into an empty <c>LIKE evidence INCLUDING ALL</c> copy (indexes, no foreign
/// keys, a tiny table); that number is still measured and reported in a row of its own, so the old comparison stays
/// visible and nobody can say the goal moved.
/// </summary>
public sealed class S2EvidenceWrite : IScenario
{
    public string Id => "2";
    public string Title => "Interactive evidence write, 8 writers";
    public double Order => 2;

    private sealed record Writer(string Email, string UserId, int SectionId, int[] Students);

    /// <summary>The external ids of the reference's rows in <c>evidence</c> start with this (deleted after the run).</summary>
    private const string RawPrefix = "bench-raw:";

    public async Task<IReadOnlyList<ResultRow>> RunAsync(BenchContext context, CancellationToken ct)
    {
        const int writers = 8;
        const int perWriter = 150;
        await using var owner = await context.OpenOwnerConnectionAsync(ct);
        var list = new List<Writer>();
        await using (var cmd = new NpgsqlCommand("""
            SELECT DISTINCT ON (t.teacher_user_id) u.email, u.id, s.id,
                   (SELECT array_agg(e.student_id ORDER BY e.student_id) FROM enrollments e WHERE e.section_id = s.id)
            FROM sections s JOIN section_teachers t ON t.section_id = s.id JOIN users u ON u.id = t.teacher_user_id
            WHERE s.course_name = 'Mathematics' AND u.email <> 'grid.teacher@bench.example'
            ORDER BY t.teacher_user_id, s.id LIMIT 8
            """, owner))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                list.Add(new Writer(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetFieldValue<int[]>(3)));
            }
        }
        var framework = await Bare.GridFrameworkAsync(owner, list[0].SectionId, ct);
        var standards = new List<int>();
        await using (var cmd = new NpgsqlCommand("SELECT id FROM standards WHERE framework_id = $1 AND parent_id IS NOT NULL ORDER BY sort_order", owner))
        {
            cmd.Parameters.AddWithValue(framework);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                standards.Add(r.GetInt32(0));
            }
        }
        var observed = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1);

        var scopes = new List<AsyncServiceScope>();
        foreach (var w in list)
        {
            scopes.Add(await context.ScopeForAsync(w.Email));
        }
        var services = scopes.Select(s => s.ServiceProvider.GetRequiredService<EvidenceService>()).ToList();
        StudentEvidence Input(int w, int i)
        {
            var writer = list[w];
            var k = i + perWriter + 1; // warm-up is i = -1
            return new StudentEvidence(writer.Students[k % writer.Students.Length], standards[k / writer.Students.Length % standards.Count],
                writer.SectionId, 1 + k % 4, observed, Guid.NewGuid());
        }
        var app = await Measure.ConcurrentAsync(writers, perWriter, async (w, i) =>
        {
            var result = await services[w].RecordForStudentAsync(Input(w, i), ct);
            if (!result.Succeeded)
            {
                throw new InvalidOperationException($"Evidence write refused: {result.ErrorKey}");
            }
        });
        foreach (var s in scopes)
        {
            await s.DisposeAsync();
        }

        // The goal's reference: the same rows, autocommit single-row INSERTs into evidence itself (its size, indexes
        // and foreign keys: student, standard, section, recording user), deleted afterwards.
        var raw = await RawInsertsAsync(context, "evidence", list, Input, writers, perWriter, ct);
        await using (var cmd = new NpgsqlCommand($"""
            DELETE FROM evidence WHERE external_id >= '{RawPrefix}' AND external_id < 'bench-raw;';
            """, owner))
        {
            var deleted = await cmd.ExecuteNonQueryAsync(ct);
            if (deleted != writers * (perWriter + 1))
            {
                throw new InvalidOperationException($"Deleted {deleted} reference rows from evidence, expected {writers * (perWriter + 1)}");
            }
        }
        await using (var cmd = new NpgsqlCommand("VACUUM evidence", owner))
        {
            await cmd.ExecuteNonQueryAsync(ct);
        }

        // The earlier reference, kept as an extra row: an empty copy with the indexes but no foreign keys.
        await using (var cmd = new NpgsqlCommand("""
            DROP TABLE IF EXISTS bench_evidence_ref;
            CREATE TABLE bench_evidence_ref (LIKE evidence INCLUDING ALL);
            """, owner))
        {
            await cmd.ExecuteNonQueryAsync(ct);
        }
        var empty = await RawInsertsAsync(context, "bench_evidence_ref", list, Input, writers, perWriter, ct);

        var ratio = app.PerSecond / raw.PerSecond;
        var emptyRatio = app.PerSecond / empty.PerSecond;
        return
        [
            new ResultRow(Id, $"Evidence writes/s, {writers} writers × {perWriter}", Figure.From(app.Latency, app.PerSecond, "writes"),
                Figure.From(raw.Latency, raw.PerSecond, "inserts"), ratio, "≥ 0.4× raw inserts/s", ratio >= 0.4,
                "EvidenceService (access check, pair lock, evidence + rollup + audit, one commit; change event sent after it) vs raw single-row autocommit INSERTs of the same rows into evidence itself (same size, indexes, foreign keys; deleted afterwards), both durable commits"),
            new ResultRow(Id, "Evidence write commit latency", Figure.From(app.Latency), Figure.From(raw.Latency),
                app.Latency.P95 / raw.Latency.P95, "p95 ≤ 10 ms", app.Latency.P95 <= 10, "ratio = app p95 ÷ raw p95 (inserts into evidence itself)"),
            new ResultRow(Id, "Evidence writes/s vs raw INSERTs into an EMPTY copy (earlier reference, extra row)", Figure.From(app.Latency, app.PerSecond, "writes"),
                Figure.From(empty.Latency, empty.PerSecond, "inserts"), emptyRatio, "reported (the goal row above is the faithful one)", null,
                "raw single-row autocommit INSERTs into bench_evidence_ref (LIKE evidence INCLUDING ALL: same indexes, no foreign keys, empty), the reference of runs before Nov 30"),
        ];
    }

    /// <summary>8 connections (as the owner) inserting the same rows as the app, one autocommit INSERT each.</summary>
    private static async Task<Run> RawInsertsAsync(
        BenchContext context, string table, List<Writer> list, Func<int, int, StudentEvidence> input, int writers, int perWriter,
        CancellationToken ct)
    {
        var conns = new List<NpgsqlConnection>();
        for (var i = 0; i < writers; i++)
        {
            conns.Add(await context.OpenOwnerConnectionAsync(ct));
        }
        var now = DateTimeOffset.UtcNow;
        var run = await Measure.ConcurrentAsync(writers, perWriter, async (w, i) =>
        {
            var e = input(w, i);
            await using var cmd = new NpgsqlCommand($"""
                INSERT INTO {table} (student_id, standard_id, score, source, recorded_by_user_id, section_id, observed_at, recorded_at, note, external_id)
                VALUES ($1, $2, $3, 'TeacherAssessment', $4, $5, $6, $6, '', $7)
                """, conns[w]);
            cmd.Parameters.AddWithValue(e.StudentId);
            cmd.Parameters.AddWithValue(e.StandardId);
            cmd.Parameters.AddWithValue(e.Score);
            cmd.Parameters.AddWithValue(list[w].UserId);
            cmd.Parameters.AddWithValue(e.SectionId!.Value);
            cmd.Parameters.AddWithValue(now);
            cmd.Parameters.AddWithValue(RawPrefix + EvidenceService.KeyFor(e.IdempotencyKey, e.StudentId));
            await cmd.ExecuteNonQueryAsync(ct);
        });
        foreach (var c in conns)
        {
            await c.DisposeAsync();
        }
        return run;
    }
}
