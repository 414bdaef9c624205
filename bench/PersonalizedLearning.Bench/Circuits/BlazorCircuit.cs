using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;

namespace PersonalizedLearning.Bench.Circuits;

/// <summary>
/// A headless Blazor Server circuit over SignalR with the blazorpack protocol, doing what blazor.web.js does for a
/// prerendered page: StartCircuit, UpdateRootComponents with the page's markers and persisted state, acknowledge every
/// render batch (OnRenderCompleted), answer JS interop calls (EndInvokeJSFromDotNet with null / a fake object
/// reference), and dispatch UI events through the renderer's interop object. Times are <see cref="Stopwatch.GetTimestamp"/> (monotonic, comparable with the
/// server process on the same machine).
/// </summary>
public sealed partial class BlazorCircuit : IAsyncDisposable
{
    private readonly HubConnection hub;
    private readonly Lock gate = new();
    private readonly Dictionary<ulong, EventTarget> targets = [];
    private readonly HashSet<int> components = [];
    private TaskCompletionSource<long> nextBatch = NewWaiter();
    private long jsObjects;
    private long calls;
    private long rendererInterop;
    private int failedCalls;

    private BlazorCircuit(BlazorSession session)
    {
        var builder = new HubConnectionBuilder();
        builder.Services.AddSingleton<IHubProtocol>(new BlazorPackProtocol());
        hub = builder
            .WithUrl(new Uri(session.BaseUri, "_blazor"), HttpTransportType.WebSockets, o =>
            {
                o.Cookies = session.Cookies;
                o.SkipNegotiation = true;
            })
            .WithServerTimeout(TimeSpan.FromMinutes(5))
            .Build();
        hub.On<long, byte[]>("JS.RenderBatch", OnRenderBatch);
        hub.On<long, string, string, int, long, int>("JS.BeginInvokeJS",
            (handle, identifier, argsJson, resultType, _, _) => AnswerJs(handle, identifier, argsJson, resultType));
        // A failed .NET call (e.g. an event dispatch the renderer refused) answers success = false with the error.
        hub.On("JS.EndInvokeDotNet", [typeof(object), typeof(bool), typeof(object)], args =>
        {
            if (args[1] is false)
            {
                Interlocked.Increment(ref failedCalls);
                Error = args[2]?.ToString();
            }
            return Task.CompletedTask;
        });
        hub.On<long>("JS.EndUpdateRootComponents", _ => { });
        hub.On<string>("JS.Error", error => Error = error);
        hub.Closed += _ =>
        {
            nextBatch.TrySetException(new InvalidOperationException("The circuit's connection closed: " + Error));
            return Task.CompletedTask;
        };
    }

    public int Batches { get; private set; }

    /// <summary>Components alive in the circuit: rendered by a batch and not disposed since (what each costs the server).</summary>
    public int Components
    {
        get
        {
            lock (gate)
            {
                return components.Count;
            }
        }
    }

    /// <summary>The renderer's interop object id (0 until the server attached it).</summary>
    public long RendererInterop => rendererInterop;
    public string? Error { get; private set; }

    /// <summary>.NET calls from "JS" (event dispatches) that the server answered with an error; <see cref="Error"/> has the last.</summary>
    public int FailedCalls => failedCalls;

    /// <summary>Monotonic time the circuit's first render batch arrived.</summary>
    public long FirstBatchAt { get; private set; }

    /// <summary>Monotonic time the last render batch arrived.</summary>
    public long LastBatchAt { get; private set; }

    /// <summary>Called for every render batch with its arrival time (on the connection's receive loop).</summary>
    public Action<BlazorCircuit, long>? OnBatch { get; set; }

    /// <summary>Opens a circuit for a prerendered page; completes when the first interactive render batch arrives.</summary>
    public static async Task<BlazorCircuit> OpenAsync(BlazorSession session, PrerenderedPage page, CancellationToken ct = default)
    {
        var circuit = new BlazorCircuit(session);
        try
        {
            var first = circuit.NextBatch();
            await circuit.hub.StartAsync(ct);
            var id = await circuit.hub.InvokeAsync<string?>("StartCircuit",
                session.BaseUri.ToString(), page.Uri.ToString(), "[]", "", ct);
            if (id is null)
            {
                throw new InvalidOperationException("StartCircuit refused: " + circuit.Error);
            }
            await circuit.hub.SendAsync("UpdateRootComponents", BlazorSession.AddOperations(page), page.ApplicationState, ct);
            circuit.FirstBatchAt = await first.WaitAsync(TimeSpan.FromSeconds(60), ct);
            return circuit;
        }
        catch
        {
            await circuit.DisposeAsync();
            throw;
        }
    }

    /// <summary>Completes with the arrival time of the next render batch.</summary>
    public Task<long> NextBatch()
    {
        lock (gate)
        {
            if (nextBatch.Task.IsCompleted)
            {
                nextBatch = NewWaiter();
            }
            return nextBatch.Task;
        }
    }

    /// <summary>Every event target seen so far (for diagnostics).</summary>
    public IReadOnlyList<EventTarget> Targets()
    {
        lock (gate)
        {
            return [.. targets.Values];
        }
    }

    /// <summary>The latest handler for an event on the first element matching <paramref name="match"/>.</summary>
    public EventTarget? Find(string eventName, Func<EventTarget, bool> match)
    {
        lock (gate)
        {
            return targets.Values.Where(t => t.EventName == eventName && match(t)).MaxBy(t => t.HandlerId);
        }
    }

    /// <summary>
    /// Dispatches a browser event as blazor.web.js does since .NET 8: a .NET call on the renderer's interop object (which
    /// the server handed over with Blazor._internal.attachWebRendererInterop), DispatchEventAsync(descriptor, args).
    /// Returns the dispatch time.
    /// </summary>
    public async Task<long> DispatchAsync(EventTarget target, object eventArgs, string? fieldValue = null)
    {
        var descriptor = new
        {
            eventHandlerId = target.HandlerId,
            eventName = target.EventName,
            eventFieldInfo = fieldValue is null ? null : new { componentId = 0, fieldValue },
        };
        var argsJson = JsonSerializer.Serialize(new object[] { descriptor, eventArgs });
        var started = Stopwatch.GetTimestamp();
        await hub.SendAsync("BeginInvokeDotNetFromJS", Interlocked.Increment(ref calls).ToString(CultureInfo.InvariantCulture),
            null, "DispatchEventAsync", rendererInterop, argsJson);
        return started;
    }

    /// <summary>
    /// Navigates inside the circuit as blazor.web.js does for an intercepted link click (OnLocationChanged): the router
    /// renders the new page. Returns the send time.
    /// </summary>
    public async Task<long> NavigateAsync(Uri uri)
    {
        var started = Stopwatch.GetTimestamp();
        await hub.SendAsync("OnLocationChanged", uri.ToString(), null, true);
        return started;
    }

    /// <summary>An input event's arguments as the browser sends them (ChangeEventArgs accepts only "value").</summary>
    public static object Input(string value) => new { value };

    private void OnRenderBatch(long batchId, byte[] data)
    {
        var now = Stopwatch.GetTimestamp();
        HandlerChanges? changes;
        try
        {
            changes = RenderBatchReader.Read(data);
        }
        catch (Exception ex) when (ex is ArgumentOutOfRangeException or IndexOutOfRangeException)
        {
            changes = null;
        }
        TaskCompletionSource<long> waiter;
        lock (gate)
        {
            if (changes is not null)
            {
                Follow(changes);
            }
            Batches++;
            LastBatchAt = now;
            waiter = nextBatch;
        }
        _ = hub.SendAsync("OnRenderCompleted", batchId, null);
        OnBatch?.Invoke(this, now);
        waiter.TrySetResult(now);
    }

    // Keeps the live handler per element: new elements add theirs; a re-render that re-assigns a handler on an existing
    // element names only the component and the event, which is unambiguous when that component has one such element.
    private void Follow(HandlerChanges changes)
    {
        foreach (var t in changes.Added)
        {
            targets[t.HandlerId] = t;
        }
        foreach (var (component, eventName, handler) in changes.Reassigned)
        {
            var previous = targets.Values.Where(t => t.ComponentId == component && t.EventName == eventName).ToList();
            if (previous.Count == 1)
            {
                targets.Remove(previous[0].HandlerId);
                targets[handler] = previous[0] with { HandlerId = handler };
            }
        }
        foreach (var id in changes.Disposed)
        {
            targets.Remove(id);
        }
        components.UnionWith(changes.Rendered);
        components.ExceptWith(changes.DisposedComponents);
    }

    private void AnswerJs(long handle, string identifier, string argsJson, int resultType)
    {
        if (identifier.EndsWith("attachWebRendererInterop", StringComparison.Ordinal)
            && InteropObject().Match(argsJson) is { Success: true } found)
        {
            rendererInterop = long.Parse(found.Groups[1].Value, CultureInfo.InvariantCulture);
        }
        if (handle == 0)
        {
            return;
        }
        // 1 = a JS object reference: hand back a made-up object id; everything else gets null.
        var result = resultType == 1 ? $"{{\"__jsObjectId\":{Interlocked.Increment(ref jsObjects)}}}" : "null";
        _ = hub.SendAsync("EndInvokeJSFromDotNet", handle, true, $"[{handle},true,{result}]");
    }

    private static TaskCompletionSource<long> NewWaiter() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async ValueTask DisposeAsync() => await hub.DisposeAsync();

    [GeneratedRegex("\"__dotNetObject\":(\\d+)")]
    private static partial Regex InteropObject();
}
