using System.Globalization;
using System.Reflection;
using Npgsql;
using PersonalizedLearning.Bench.Core;
using PersonalizedLearning.Bench.Generation;

// The benchmark runner: generate the synthetic district (binary COPY), run every registered scenario, write the
// results table into docs/BENCHMARKS.md. Exit code 0 unless something broke (a missed goal is a result, not an error).
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
var ct = cts.Token;

var failures = 0;
var rows = new List<ResultRow>();
DistrictFacts facts;
if (options.SkipGenerate)
{
    facts = await DistrictFacts.LoadAsync(options.OwnerConnection, ct);
}
else
{
    var load = await DistrictGenerator.GenerateAsync(options, ct);
    facts = load.Facts;
    rows.AddRange(load.Rows);
}

var scenarios = Assembly.GetExecutingAssembly().GetTypes()
    .Where(t => typeof(IScenario).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
    .Select(t => (IScenario)Activator.CreateInstance(t)!)
    .Where(s => options.Only is null || options.Only.Contains(s.Id))
    .OrderBy(s => s.Order)
    .ToList();

await using (var context = new BenchContext(options, facts))
{
    foreach (var scenario in scenarios)
    {
        BenchContext.Log($"scenario {scenario.Id}: {scenario.Title}");
        try
        {
            var result = await scenario.RunAsync(context, ct);
            foreach (var r in result)
            {
                BenchContext.Log($"  {r.Metric}: {r.Measured?.Format()} vs {r.Reference?.Format()} ratio {r.Ratio:0.00} goal {r.Goal} → {r.Pass}");
            }
            rows.AddRange(result);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            failures++;
            Console.Error.WriteLine($"scenario {scenario.Id} failed: {ex}");
            rows.Add(new ResultRow(scenario.Id, scenario.Title, null, null, null, "", false, "error: " + ex.GetType().Name + ": " + ex.Message));
        }
    }
}

var header = await Machine.DescribeAsync(options, facts, ct);
await Report.WriteAsync(options.ReportPath, Report.Section(options.Size), Report.Table(rows, header));
BenchContext.Log($"results written to {options.ReportPath}");
NpgsqlConnection.ClearAllPools();
return failures == 0 ? 0 : 1;
