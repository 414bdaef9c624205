using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PersonalizedLearning.Bench.Core;
using PersonalizedLearning.Web.Features.Homes;

namespace PersonalizedLearning.Bench.Scenarios;

/// <summary>
/// Scenario 4: the principal's school dashboard for the 2,000-student school (HomeService.PrincipalHomeAsync, the
/// principal home in main at the time of writing) against one bare aggregate SQL statement computing the same numbers
/// (students by grade, plans by status, teachers, sections, advisories, students without an advisory).
/// The district view from a pre-aggregated table is reported as not built until such a table exists.
/// </summary>
public sealed class S4PrincipalDashboard : IScenario
{
    public string Id => "4";
    public string Title => "Principal school dashboard, 2,000 students";
    public double Order => 4;

    private const string AggregateSql = """
        SELECT
          (SELECT json_agg(g ORDER BY g.grade_level) FROM (SELECT grade_level, count(*) AS n FROM students WHERE school_id = $1 AND active GROUP BY grade_level) g),
          (SELECT json_agg(p) FROM (SELECT lp.status, count(*) AS n FROM learning_plans lp JOIN students s ON s.id = lp.student_id
                                    WHERE s.school_id = $1 AND s.active AND lp.school_year_id = $2 GROUP BY lp.status) p),
          (SELECT count(*) FROM users u WHERE u.school_id = $1 AND u.active
              AND EXISTS (SELECT 1 FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = u.id AND r.name = 'Teacher')),
          (SELECT count(*) FROM sections WHERE school_id = $1 AND active),
          (SELECT count(*) FROM advisories WHERE school_id = $1 AND active),
          (SELECT count(*) FROM students WHERE school_id = $1 AND active AND advisory_id IS NULL)
        """;

    public async Task<IReadOnlyList<ResultRow>> RunAsync(BenchContext context, CancellationToken ct)
    {
        const int iterations = 200;
        var facts = context.Facts;
        await using var scope = await context.ScopeForAsync(facts.PrincipalEmail);
        var homes = scope.ServiceProvider.GetRequiredService<HomeService>();
        var model = await homes.PrincipalHomeAsync(ct) ?? throw new InvalidOperationException("The principal has no school");
        await using var conn = await context.OpenAppConnectionAsync(ct);
        int yearId;
        await using (var cmd = new NpgsqlCommand("SELECT id FROM school_years WHERE starts_on <= current_date ORDER BY starts_on DESC LIMIT 1", conn))
        {
            yearId = (int)(await cmd.ExecuteScalarAsync(ct))!;
        }
        async Task<long> Aggregate()
        {
            await using var cmd = new NpgsqlCommand(AggregateSql, conn);
            cmd.Parameters.AddWithValue(facts.BigSchoolId);
            cmd.Parameters.AddWithValue(yearId);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            await r.ReadAsync(ct);
            _ = r.GetString(0);
            _ = r.IsDBNull(1) ? "" : r.GetString(1);
            return r.GetInt64(2) + r.GetInt64(3) + r.GetInt64(4) + r.GetInt64(5);
        }
        await Aggregate();

        var app = await Measure.SerialAsync(20, iterations, _ => homes.PrincipalHomeAsync(ct));
        var bare = await Measure.SerialAsync(20, iterations, _ => Aggregate());
        var ratio = app.Latency.P95 / bare.Latency.P95;
        return
        [
            new ResultRow(Id, $"Principal school dashboard ({model.Students:#,0} students)", Figure.From(app.Latency), Figure.From(bare.Latency),
                ratio, "p95 ≤ 1.5× bare aggregate", ratio <= 1.5, "HomeService.PrincipalHomeAsync vs one aggregate SQL statement"),
            ResultRow.NotBuilt(Id, "District view from a pre-aggregated table", "p95 ≤ 100 ms",
                "not built: no pre-aggregated district table in main when this scenario was written"),
        ];
    }
}
