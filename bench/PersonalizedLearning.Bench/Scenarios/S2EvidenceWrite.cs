using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PersonalizedLearning.Bench.Core;
using PersonalizedLearning.Web.Features.Mastery;

namespace PersonalizedLearning.Bench.Scenarios;

/// <summary>
/// Scenario 2: recording one evidence interactively (EvidenceService.RecordForStudentAsync: access check, advisory
/// lock, evidence row, rollup recompute, audit row, one durable commit; the change event is sent after the commit by
/// the node's publisher) by 8 teachers at once, against
/// 8 connections doing raw single-row INSERTs (autocommit) into an identical evidence table with the same indexes.
/// </summary>
public sealed class S2EvidenceWrite : IScenario
{
    public string Id => "2";
    public string Title => "Interactive evidence write, 8 writers";
    public double Order => 2;

    private sealed record Writer(string Email, int SectionId, int[] Students);

    public async Task<IReadOnlyList<ResultRow>> RunAsync(BenchContext context, CancellationToken ct)
    {
        const int writers = 8;
        const int perWriter = 150;
        await using var owner = await context.OpenOwnerConnectionAsync(ct);
        var list = new List<Writer>();
        await using (var cmd = new NpgsqlCommand("""
            SELECT DISTINCT ON (t.teacher_user_id) u.email, s.id,
                   (SELECT array_agg(e.student_id ORDER BY e.student_id) FROM enrollments e WHERE e.section_id = s.id)
            FROM sections s JOIN section_teachers t ON t.section_id = s.id JOIN users u ON u.id = t.teacher_user_id
            WHERE s.course_name = 'Mathematics' AND u.email <> 'grid.teacher@bench.example'
            ORDER BY t.teacher_user_id, s.id LIMIT 8
            """, owner))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                list.Add(new Writer(r.GetString(0), r.GetInt32(1), r.GetFieldValue<int[]>(2)));
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

        await using (var cmd = new NpgsqlCommand("""
            DROP TABLE IF EXISTS bench_evidence_ref;
            CREATE TABLE bench_evidence_ref (LIKE evidence INCLUDING ALL);
            """, owner))
        {
            await cmd.ExecuteNonQueryAsync(ct);
        }
        var conns = new List<NpgsqlConnection>();
        for (var i = 0; i < writers; i++)
        {
            conns.Add(await context.OpenOwnerConnectionAsync(ct));
        }
        var now = DateTimeOffset.UtcNow;
        var raw = await Measure.ConcurrentAsync(writers, perWriter, async (w, i) =>
        {
            var input = Input(w, i);
            await using var cmd = new NpgsqlCommand("""
                INSERT INTO bench_evidence_ref (student_id, standard_id, score, source, recorded_by_user_id, section_id, observed_at, recorded_at, note, external_id)
                VALUES ($1, $2, $3, 'TeacherAssessment', NULL, $4, $5, $5, '', $6)
                """, conns[w]);
            cmd.Parameters.AddWithValue(input.StudentId);
            cmd.Parameters.AddWithValue(input.StandardId);
            cmd.Parameters.AddWithValue(input.Score);
            cmd.Parameters.AddWithValue(input.SectionId!.Value);
            cmd.Parameters.AddWithValue(now);
            cmd.Parameters.AddWithValue(EvidenceService.KeyFor(input.IdempotencyKey, input.StudentId));
            await cmd.ExecuteNonQueryAsync(ct);
        });
        foreach (var c in conns)
        {
            await c.DisposeAsync();
        }

        var ratio = app.PerSecond / raw.PerSecond;
        return
        [
            new ResultRow(Id, $"Evidence writes/s, {writers} writers × {perWriter}", Figure.From(app.Latency, app.PerSecond, "writes"),
                Figure.From(raw.Latency, raw.PerSecond, "inserts"), ratio, "≥ 0.4× raw inserts/s", ratio >= 0.4,
                "EvidenceService (evidence + rollup + audit in one transaction, change event sent after commit) vs raw single-row INSERT, both durable commits"),
            new ResultRow(Id, "Evidence write commit latency", Figure.From(app.Latency), Figure.From(raw.Latency),
                app.Latency.P95 / raw.Latency.P95, "p95 ≤ 10 ms", app.Latency.P95 <= 10, "ratio = app p95 ÷ raw p95"),
        ];
    }
}
