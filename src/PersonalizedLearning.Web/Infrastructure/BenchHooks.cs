using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using PersonalizedLearning.Web.Features.Mastery;

namespace PersonalizedLearning.Web.Infrastructure;

/// <summary>
/// Measurement hooks for bench/, on only with the setting <c>Bench:Timestamps=true</c> (never in production): the change
/// feed records, per delivered event, the monotonic time (<see cref="Stopwatch.GetTimestamp"/>, CLOCK_MONOTONIC on
/// Linux, so comparable with another process on the same machine) when the node received the NOTIFY and when the
/// subscribing page had re-queried and handed its re-render to SignalR; a circuit handler counts open circuits; and
/// <c>GET /bench/stats</c> returns those records (drained) with GC and working-set figures; <c>POST /bench/evidence</c>
/// records evidence through <see cref="EvidenceService"/> as the signed-in teacher (the normal write path, access checks
/// included) and answers the monotonic time just after the commit. Off: nothing is recorded and neither endpoint exists.
/// </summary>
public sealed class BenchRecorder
{
    public const string Setting = "Bench:Timestamps";

    private readonly ConcurrentQueue<BenchMark> marks = new();
    private int circuits;

    public void Mark(string stage, StudentChanged change) =>
        marks.Enqueue(new BenchMark(stage, change.StudentId, change.What, Stopwatch.GetTimestamp()));

    public object Stats(bool collect)
    {
        if (collect)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        }
        var drained = new List<BenchMark>();
        while (marks.TryDequeue(out var mark))
        {
            drained.Add(mark);
        }
        var info = GC.GetGCMemoryInfo();
        return new
        {
            Circuits = Volatile.Read(ref circuits),
            HeapBytes = GC.GetTotalMemory(false),
            info.TotalCommittedBytes,
            Environment.WorkingSet,
            Stopwatch.Frequency,
            Marks = drained,
        };
    }

    internal sealed class CircuitCounter(BenchRecorder recorder) : CircuitHandler
    {
        public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref recorder.circuits);
            return Task.CompletedTask;
        }

        public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
        {
            Interlocked.Decrement(ref recorder.circuits);
            return Task.CompletedTask;
        }
    }
}

public sealed record BenchMark(string Stage, int StudentId, string What, long Timestamp);

public static class BenchHooks
{
    public static WebApplicationBuilder AddBenchHooks(this WebApplicationBuilder builder)
    {
        if (builder.Configuration.GetValue<bool>(BenchRecorder.Setting))
        {
            builder.Services.AddSingleton<BenchRecorder>();
            builder.Services.AddScoped<CircuitHandler, BenchRecorder.CircuitCounter>();
        }
        return builder;
    }

    public static WebApplication MapBenchHooks(this WebApplication app)
    {
        if (app.Services.GetService<BenchRecorder>() is { } recorder)
        {
            app.Services.GetRequiredService<ChangeFeed>().Observer = recorder.Mark;
            app.MapGet("/bench/stats", (bool? gc) => Results.Ok(recorder.Stats(gc == true)));
            app.MapPost("/bench/evidence", async (StudentEvidence input, HttpContext http, AuthenticationStateProvider auth,
                EvidenceService evidence) =>
            {
                ((IHostEnvironmentAuthenticationStateProvider)auth).SetAuthenticationState(
                    Task.FromResult(new AuthenticationState(http.User)));
                var result = await evidence.RecordForStudentAsync(input, http.RequestAborted);
                var committed = Stopwatch.GetTimestamp();
                return result.Succeeded ? Results.Ok(committed) : Results.BadRequest(result.ErrorKey);
            }).RequireAuthorization(Policies.Teacher);
        }
        return app;
    }
}
