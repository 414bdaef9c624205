using System.Globalization;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using PersonalizedLearning.Web.Components.Shared;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.UnitTests;

public class LiveRefreshTests : BunitContext
{
    private readonly ChangeFeed feed = new(NullLogger<ChangeFeed>.Instance);

    public LiveRefreshTests()
    {
        Services.AddSingleton(feed);
        Services.AddLocalization();
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    [Fact]
    public void A_change_to_a_shown_student_reaches_the_page_and_others_do_not()
    {
        var seen = new List<StudentChanged>();
        Render<LiveRefresh>(p => p
            .Add(c => c.StudentIds, [7, 8])
            .Add(c => c.OnChanged, (StudentChanged change) => seen.Add(change)));

        feed.Publish("8:evidence");
        feed.Publish("9:evidence");

        Assert.Equal([new StudentChanged(8, "evidence")], seen);
    }

    [Fact]
    public async Task A_change_is_handled_in_the_language_of_the_page_not_of_the_listener()
    {
        var handledIn = new TaskCompletionSource<string>();
        var original = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("es");
        try
        {
            Render<LiveRefresh>(p => p
                .Add(c => c.StudentIds, [5])
                .Add(c => c.OnChanged, (StudentChanged _) => handledIn.TrySetResult(CultureInfo.CurrentUICulture.Name)));
        }
        finally
        {
            CultureInfo.CurrentUICulture = original;
        }

        await Task.Run(() =>
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en");
            feed.Publish("5:plan");
        });

        Assert.Equal("es", await handledIn.Task.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Closing_the_page_releases_its_subscription()
    {
        var component = Render<LiveRefresh>(p => p.Add(c => c.StudentIds, [1, 2, 3]));
        Assert.Equal(3, feed.WatchedStudentCount);

        await DisposeComponentsAsync();

        Assert.Equal(0, feed.WatchedStudentCount);
        Assert.NotNull(component);
    }

    [Fact]
    public void Prerendering_does_not_subscribe()
    {
        SetRendererInfo(new RendererInfo("Static", isInteractive: false));
        Render<LiveRefresh>(p => p.Add(c => c.StudentIds, [1]));
        Assert.Equal(0, feed.WatchedStudentCount);
    }
}
