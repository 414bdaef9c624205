using Microsoft.AspNetCore.Components;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.Web.Features.MasterySettings;

/// <summary>Mastery settings per framework: method and parameter, the scale, and the live recompute progress.</summary>
public sealed partial class MasterySettingsPage : IDisposable
{
    [Inject] private MasterySettingsService Settings { get; set; } = null!;
    [Inject] private DistrictClock Clock { get; set; } = null!;
    [Inject] private MudBlazor.ISnackbar Snackbar { get; set; } = null!;

    private IReadOnlyList<SettingsFramework>? frameworks;
    private int frameworkId;
    private MasterySettingsForm? form;
    private MasterySettingsForm? conflict;
    private RecomputeProgress? progress;
    private IReadOnlyList<(string Key, object[] Args)> problems = [];
    private TimeZoneInfo zone = TimeZoneInfo.Utc;
    private bool saving;
    private CancellationTokenSource? polling;

    protected override async Task OnInitializedAsync()
    {
        zone = await Clock.TimeZoneAsync();
        frameworks = await Settings.FrameworksAsync();
        if (frameworks.Count > 0)
        {
            await SelectAsync(frameworks[0].Id);
        }
    }

    private async Task SelectAsync(int id)
    {
        frameworkId = id;
        (form, conflict, problems) = (null, null, []);
        form = await Settings.GetAsync(id);
        progress = await Settings.ProgressAsync(id);
        StartPolling();
    }

    private void MethodChanged(MasteryMethod method)
    {
        form!.Method = method;
        if (MasteryMethodRules.ParameterRange(method) is { } range
            && (form.Parameter < range.Min || form.Parameter > range.Max))
        {
            form.Parameter = range.Default;
        }
    }

    private void AddLevel()
    {
        var top = form!.Levels.Count == 0 ? 0 : form.Levels.Max(l => l.Points);
        form.Levels.Add(new LevelInput { Name = "", Points = top + 1 });
    }

    private void RemoveLevel(int index)
    {
        var wasMastery = form!.Levels[index].IsMastery;
        form.Levels.RemoveAt(index);
        if (wasMastery && form.Levels.Count > 0)
        {
            form.MasteryIndex = Math.Min(index, form.Levels.Count - 1);
        }
    }

    private void TakeTheirs()
    {
        form = conflict;
        (conflict, problems) = (null, []);
    }

    private async Task SaveAsync()
    {
        saving = true;
        try
        {
            var outcome = await Settings.SaveAsync(form!);
            problems = outcome.Problems;
            conflict = outcome.Current;
            if (outcome.Saved)
            {
                Snackbar.Add(T["MasterySettings.Saved"], MudBlazor.Severity.Success);
                form = await Settings.GetAsync(frameworkId);
                progress = await Settings.ProgressAsync(frameworkId);
                if (outcome.Recompute)
                {
                    // The worker picks the change up at once; show progress until every rollup is current.
                    progress = progress with { Current = Math.Min(progress.Current, progress.Total - 1) };
                }
                StartPolling();
            }
        }
        finally
        {
            saving = false;
        }
    }

    /// <summary>While a recompute runs, re-reads its progress every second (ends when done or when the page closes).</summary>
    private void StartPolling()
    {
        polling?.Cancel();
        polling?.Dispose();
        polling = null;
        if (progress is not { Running: true } || !RendererInfo.IsInteractive)
        {
            return;
        }
        polling = new CancellationTokenSource();
        var token = polling.Token;
        var id = frameworkId;
        _ = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
            try
            {
                while (await timer.WaitForNextTickAsync(token))
                {
                    var now = await Settings.ProgressAsync(id, token);
                    await InvokeAsync(() =>
                    {
                        if (id == frameworkId)
                        {
                            progress = now;
                            StateHasChanged();
                        }
                    });
                    if (!now.Running)
                    {
                        return;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // The page closed or another framework was chosen.
            }
        }, token);
    }

    public void Dispose()
    {
        polling?.Cancel();
        polling?.Dispose();
    }
}
