using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PersonalizedLearning.Bench.Core;
using PersonalizedLearning.Web.Features.Mastery;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.Bench.Scenarios;

/// <summary>
/// Scenario 3 at 5× the data: the same section grid before and after the district's students and rollups are grown
/// five-fold (4 more copies of every student and of their rollups, set-based INSERT … SELECT; evidence is not copied,
/// the grid reads rollups only). Runs last because it changes the data. Goal: the grid's p95 grows by at most 1.5×.
/// </summary>
public sealed class S3GridAtFiveTimes : IScenario
{
    public string Id => "3b";
    public string Title => "Teacher section grid at 5× the data";
    public double Order => 100;

    public async Task<IReadOnlyList<ResultRow>> RunAsync(BenchContext context, CancellationToken ct)
    {
        const int iterations = 200;
        var facts = context.Facts;
        await using var scope = await context.ScopeForAsync(facts.GridTeacherEmail);
        var mastery = scope.ServiceProvider.GetRequiredService<MasteryService>();
        var me = await scope.ServiceProvider.GetRequiredService<CurrentUser>().GetAsync();
        await using var conn = await context.OpenAppConnectionAsync(ct);
        var frameworkId = await Bare.GridFrameworkAsync(conn, facts.GridSectionId, ct);

        async Task<(Run App, Run Bare)> MeasureAsync() =>
            (await Measure.SerialAsync(30, iterations, _ => mastery.SectionGridAsync(me, facts.GridSectionId, null, ct)),
             await Measure.SerialAsync(30, iterations, _ => Bare.GridAsync(conn, facts.GridSectionId, frameworkId, ct)));

        var (app1, bare1) = await MeasureAsync();

        await using var owner = await context.OpenOwnerConnectionAsync(ct);
        var grow = System.Diagnostics.Stopwatch.StartNew();
        long rollups;
        await using (var cmd = new NpgsqlCommand("""
            CREATE TEMP TABLE bench_max AS SELECT max(id) AS m FROM students;
            INSERT INTO students (id, district_id, school_id, user_id, student_number, sourced_id, first_name, last_name, grade_level, preferred_language, advisory_id, active)
            SELECT s.id + k * x.m, s.district_id, s.school_id, NULL, s.student_number || '-' || k, s.sourced_id || '-' || k,
                   s.first_name, s.last_name, s.grade_level, s.preferred_language, s.advisory_id, true
            FROM students s CROSS JOIN generate_series(1, 4) k CROSS JOIN bench_max x WHERE s.id <= x.m;
            INSERT INTO mastery_rollups (student_id, standard_id, score, at_mastery, evidence_count, last_evidence_at, method, method_version, updated_at)
            SELECT r.student_id + k * x.m, r.standard_id, r.score, r.at_mastery, r.evidence_count, r.last_evidence_at, r.method, r.method_version, r.updated_at
            FROM mastery_rollups r CROSS JOIN generate_series(1, 4) k CROSS JOIN bench_max x WHERE r.student_id <= x.m;
            SELECT setval(pg_get_serial_sequence('students', 'id'), (SELECT max(id) FROM students));
            """, owner) { CommandTimeout = 0 })
        {
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await using (var cmd = new NpgsqlCommand("VACUUM (ANALYZE) students", owner) { CommandTimeout = 0 })
        {
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await using (var cmd = new NpgsqlCommand("VACUUM (ANALYZE) mastery_rollups", owner) { CommandTimeout = 0 })
        {
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await using (var cmd = new NpgsqlCommand("SELECT count(*) FROM mastery_rollups", owner))
        {
            rollups = (long)(await cmd.ExecuteScalarAsync(ct))!;
        }
        BenchContext.Log($"  grew to {rollups:#,0} rollups in {grow.Elapsed.TotalSeconds:0} s");

        var (app5, bare5) = await MeasureAsync();
        var growth = app5.Latency.P95 / app1.Latency.P95;
        var ratio5 = app5.Latency.P95 / bare5.Latency.P95;
        return
        [
            new ResultRow(Id, $"Grid data query p95 at 5× data ({rollups:#,0} rollups) vs 1×", Figure.From(app5.Latency), Figure.From(app1.Latency),
                growth, "≤ 1.5× the p95 at 1×", growth <= 1.5, "5× students and rollups (evidence not copied); reference = same query before growing"),
            new ResultRow(Id, "Grid data query p95 at 5× data vs bare SQL at 5×", Figure.From(app5.Latency), Figure.From(bare5.Latency),
                ratio5, "≤ 3× bare p95", ratio5 <= 3, $"bare p95 grew {bare5.Latency.P95 / bare1.Latency.P95:0.00}×"),
        ];
    }
}
