using Microsoft.Extensions.DependencyInjection;
using PersonalizedLearning.Bench.Core;
using PersonalizedLearning.Bench.Generation;
using PersonalizedLearning.Web.Features.Mastery;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.Bench.Scenarios;

/// <summary>
/// Scenario 3: the teacher's section grid (35 students × 60 standards = 2,100 rollups). The app's
/// MasteryService.SectionGridAsync (access filter, roster, rollups, needs-attention, audit of 35 views) against the
/// bare indexed SQL that reads the same rollups; opens per second with 4 concurrent openers; and the whole page open
/// over HTTP (Kestrel, signed-in cookie, prerendered grid) reported beside it.
/// </summary>
public sealed class S3SectionGrid : IScenario
{
    public string Id => "3";
    public string Title => "Teacher section grid 35 × 60";
    public double Order => 3;

    public async Task<IReadOnlyList<ResultRow>> RunAsync(BenchContext context, CancellationToken ct)
    {
        var facts = context.Facts;
        const int iterations = 300;
        await using var scope = await context.ScopeForAsync(facts.GridTeacherEmail);
        var mastery = scope.ServiceProvider.GetRequiredService<MasteryService>();
        var me = await scope.ServiceProvider.GetRequiredService<CurrentUser>().GetAsync();
        await using var conn = await context.OpenAppConnectionAsync(ct);
        var frameworkId = await Bare.GridFrameworkAsync(conn, facts.GridSectionId, ct);

        var grid = await mastery.SectionGridAsync(me, facts.GridSectionId, null, ct)
            ?? throw new InvalidOperationException("The grid teacher cannot open their section");
        var bareCells = await Bare.GridAsync(conn, facts.GridSectionId, frameworkId, ct);
        if (grid.Cells.Count != bareCells || grid.FrameworkId != frameworkId)
        {
            throw new InvalidOperationException($"App grid has {grid.Cells.Count} cells, bare SQL {bareCells}");
        }
        var shape = $"{grid.Students.Count} students × {grid.Standards.Count} standards, {grid.Cells.Count} cells";
        BenchContext.Log($"  grid: {shape}");

        var app = await Measure.SerialAsync(30, iterations, _ => mastery.SectionGridAsync(me, facts.GridSectionId, null, ct));
        var bare = await Measure.SerialAsync(30, iterations, _ => Bare.GridAsync(conn, facts.GridSectionId, frameworkId, ct));

        const int openers = 4;
        var appRate = await Measure.ConcurrentAsync(openers, iterations / openers, (_, _) => mastery.SectionGridAsync(me, facts.GridSectionId, null, ct));
        var conns = new List<Npgsql.NpgsqlConnection>();
        for (var i = 0; i < openers; i++)
        {
            conns.Add(await context.OpenAppConnectionAsync(ct));
        }
        var bareRate = await Measure.ConcurrentAsync(openers, iterations / openers, (w, _) => Bare.GridAsync(conns[w], facts.GridSectionId, frameworkId, ct));
        foreach (var c in conns)
        {
            await c.DisposeAsync();
        }

        using var client = await Bare.SignedInClientAsync(context.Server, facts.GridTeacherEmail, DistrictFacts.Password, ct);
        var path = $"/teacher/sections/{facts.GridSectionId}";
        var bytes = 0L;
        var page = await Measure.SerialAsync(10, iterations / 2, async _ =>
        {
            using var response = await client.GetAsync(path, ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}");
            }
            bytes = (await response.Content.ReadAsByteArrayAsync(ct)).LongLength;
        });

        var p95Ratio = app.Latency.P95 / bare.Latency.P95;
        var rateRatio = appRate.PerSecond / bareRate.PerSecond;
        return
        [
            new ResultRow(Id, $"Grid data query p95 ({shape})", Figure.From(app.Latency, 1000 / app.Latency.Mean, "opens"),
                Figure.From(bare.Latency, 1000 / bare.Latency.Mean, "queries"), p95Ratio, "≤ 3× bare p95", p95Ratio <= 3,
                "MasteryService.SectionGridAsync vs enrollments ⋈ rollups ⋈ standards (prepared)"),
            new ResultRow(Id, $"Grid opens/s, {openers} concurrent", Figure.From(appRate.Latency, appRate.PerSecond, "opens"),
                Figure.From(bareRate.Latency, bareRate.PerSecond, "queries"), rateRatio, "≥ 0.5× bare rate", rateRatio >= 0.5),
            new ResultRow(Id, "Whole page open: HTTP GET, request → prerendered grid", Figure.From(page.Latency, page.PerSecond, "pages"),
                Figure.From(app.Latency), null, "p95 ≤ 100 ms", page.Latency.P95 <= 100,
                $"Kestrel on loopback, signed-in cookie, {bytes / 1024} KiB HTML; reference column = the data query alone"),
        ];
    }
}
