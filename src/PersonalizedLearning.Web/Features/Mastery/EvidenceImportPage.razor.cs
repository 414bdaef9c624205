using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Forms;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.Web.Features.Mastery;

/// <summary>
/// Bulk evidence import: choose a CSV, check it (every problem by line and column) or check and import it, with a
/// progress bar while it runs and a summary afterwards. The upload is copied to a temporary file first, so a large
/// file is read once from disk rather than held in memory.
/// </summary>
public sealed partial class EvidenceImportPage : IDisposable
{
    private readonly CancellationTokenSource cancel = new();
    private IBrowserFile? file;
    private bool running;
    private bool uploading;
    private bool tooBig;
    private double percent;
    private EvidenceImportStage stage;
    private EvidenceImportResult? result;
    private Viewer? me;

    [Inject]
    private EvidenceImportService Import { get; set; } = default!;

    [Inject]
    private CurrentUser CurrentUser { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState>? Auth { get; set; }

    private bool IsAdmin { get; set; }

    private static string MaxMegabytes => (EvidenceImportService.MaxFileBytes / (1024 * 1024)).ToString(CultureInfo.CurrentCulture);

    private string StageText => uploading ? T["Import.Uploading"] : T[$"Import.Stage.{stage}"];

    protected override async Task OnInitializedAsync()
    {
        if (Auth is not null)
        {
            IsAdmin = (await Auth).User.IsInRole(Roles.DistrictAdmin);
        }
    }

    private static string FileSize(long bytes) =>
        bytes < 1024 * 1024
            ? string.Format(CultureInfo.CurrentCulture, "{0:N0} KB", Math.Max(1, bytes / 1024))
            : string.Format(CultureInfo.CurrentCulture, "{0:N1} MB", bytes / (1024.0 * 1024));

    private Task ChooseAsync(IBrowserFile? chosen)
    {
        result = null;
        tooBig = chosen is not null && chosen.Size > EvidenceImportService.MaxFileBytes;
        file = tooBig ? null : chosen;
        return Task.CompletedTask;
    }

    private async Task RunAsync(bool apply)
    {
        if (file is null || running)
        {
            return;
        }
        running = true;
        uploading = true;
        percent = 0;
        result = null;
        StateHasChanged();
        var temp = Path.Combine(Path.GetTempPath(), $"pl-import-{Guid.NewGuid():N}.csv");
        try
        {
            me ??= await CurrentUser.GetAsync();
            await using (var target = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                await using var source = file.OpenReadStream(EvidenceImportService.MaxFileBytes, cancel.Token);
                await source.CopyToAsync(target, cancel.Token);
            }
            uploading = false;
            var lastShown = -1.0;
            // Progress<T> posts to the circuit's context: re-render when the bar moves by a percent or the stage changes.
            var progress = new Progress<EvidenceImportProgress>(p =>
            {
                if (p.Stage != stage || p.Percent - lastShown >= 1)
                {
                    (stage, percent, lastShown) = (p.Stage, p.Percent, p.Percent);
                    StateHasChanged();
                }
            });
            await using var csv = new FileStream(temp, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.DeleteOnClose | FileOptions.SequentialScan);
            result = apply
                ? await Import.ImportAsync(me, csv, progress, cancel.Token)
                : await Import.ValidateAsync(me, csv, progress, cancel.Token);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            return;
        }
        finally
        {
            running = false;
            uploading = false;
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
        StateHasChanged();
    }

    public void Dispose()
    {
        cancel.Cancel();
        cancel.Dispose();
    }
}
