using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using PersonalizedLearning.TestSupport;
using PersonalizedLearning.Web.Data.Seeding;
using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.IntegrationTests;

/// <summary>Sign-in and the role homes over real HTTP, as a browser without JavaScript sees them.</summary>
public partial class HttpTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task Health_checks_the_database()
    {
        using var client = fixture.App.CreateClient();
        var response = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_home_page_asks_a_signed_out_visitor_to_sign_in()
    {
        using var client = NewClient();
        var response = await client.GetAsync("/parent");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/Login", PathOf(response));
    }

    public static TheoryData<string, string> Homes => new()
    {
        { Roles.Student, "/student" }, { Roles.Teacher, "/teacher" }, { Roles.Advisor, "/advisor" },
        { Roles.Guardian, "/parent" }, { Roles.Principal, "/principal" }, { Roles.DistrictAdmin, "/admin" },
    };

    [Theory]
    [MemberData(nameof(Homes))]
    public async Task Each_role_signs_in_and_lands_on_its_home(string role, string home)
    {
        using var client = NewClient();
        var signIn = await SignInAsync(client, AppFixture.DemoEmail(role), DemoDistrict.Password);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);

        var root = await client.GetAsync("/");
        Assert.Equal(home, PathOf(root));

        var page = await client.GetAsync(home);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task A_wrong_password_gives_a_clear_message_and_five_lock_the_account()
    {
        using var client = NewClient();
        var email = AppFixture.DemoEmail(Roles.Principal);
        for (var i = 0; i < 4; i++)
        {
            var wrong = await SignInAsync(client, email, "not-the-password");
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
            Assert.Contains("don&#x27;t match an account", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        var fifth = await SignInAsync(client, email, "not-the-password");
        Assert.Equal("/Account/Lockout", PathOf(fifth));

        var right = await SignInAsync(client, email, DemoDistrict.Password);
        Assert.Equal("/Account/Lockout", PathOf(right));
    }

    private static string? PathOf(HttpResponseMessage redirect) =>
        redirect.Headers.Location is { } location
            ? location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString
            : null;

    private HttpClient NewClient() =>
        fixture.App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password)
    {
        var form = await client.GetStringAsync("/Account/Login");
        var token = AntiforgeryToken().Match(form).Groups[1].Value;
        return await client.PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = token,
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        }));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
