using System.Globalization;
using System.Runtime.InteropServices;
using Npgsql;
using PersonalizedLearning.Bench.Generation;

namespace PersonalizedLearning.Bench.Core;

/// <summary>The line above the table: when, where, what size, which PostgreSQL and its durability settings.</summary>
public static class Machine
{
    public static async Task<string> DescribeAsync(BenchOptions options, DistrictFacts facts, CancellationToken ct)
    {
        await using var c = new NpgsqlConnection(options.OwnerConnection);
        await c.OpenAsync(ct);
        async Task<string> Show(string setting)
        {
            await using var cmd = new NpgsqlCommand($"SHOW {setting}", c);
            return (string)(await cmd.ExecuteScalarAsync(ct))!;
        }
        var version = await Show("server_version");
        var fsync = await Show("fsync");
        var sync = await Show("synchronous_commit");
        var fpw = await Show("full_page_writes");
        var memory = File.Exists("/proc/meminfo")
            ? (await File.ReadAllLinesAsync("/proc/meminfo", ct)).FirstOrDefault(l => l.StartsWith("MemTotal", StringComparison.Ordinal))?.Split(':')[1].Trim() ?? "?"
            : "?";
        return string.Create(CultureInfo.InvariantCulture,
            $"Run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC · size **{options.Size.Name}** ({facts.Students:#,0} students, {facts.Evidence:#,0} evidence rows, {facts.Rollups:#,0} rollups) · "
            + $"{Environment.ProcessorCount} cores, {memory} RAM, {RuntimeInformation.OSDescription}, .NET {Environment.Version} · "
            + $"PostgreSQL {version} (fsync={fsync}, synchronous_commit={sync}, full_page_writes={fpw})");
    }
}
