using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Localization;
using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.Web.Infrastructure;

/// <summary>
/// English and Spanish from resource files (Resources/Text.resx and Text.es.resx). The culture comes from a cookie
/// that sign-in sets from the user's preferred language and the language switcher changes (and remembers).
/// Adding a language is adding a resource file and its code here.
/// </summary>
public static class Localization
{
    public static readonly string[] Languages = ["en", "es"];

    public static WebApplicationBuilder AddAppLocalization(this WebApplicationBuilder builder)
    {
        builder.Services.AddLocalization();
        builder.Services.Configure<RequestLocalizationOptions>(o =>
        {
            o.SetDefaultCulture("en");
            o.AddSupportedCultures(Languages);
            o.AddSupportedUICultures(Languages);
            o.RequestCultureProviders = [new CookieRequestCultureProvider(), new AcceptLanguageHeaderRequestCultureProvider()];
        });
        return builder;
    }

    public static string Normalize(string? language) =>
        Languages.Contains(language) ? language! : "en";

    public static void SetCultureCookie(HttpResponse response, string language)
    {
        var culture = Normalize(language);
        response.Cookies.Append(
            CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
            new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, HttpOnly = true, SameSite = SameSiteMode.Lax });
    }

    /// <summary>GET /culture?language=es&amp;returnUrl=/parent: switches the language and remembers it for the user.</summary>
    public static void MapLanguageSwitch(this IEndpointRouteBuilder app) =>
        app.MapGet("/culture", async (string? language, string? returnUrl, HttpContext http, UserManager<AppUser> users) =>
        {
            var culture = Normalize(language);
            SetCultureCookie(http.Response, culture);
            if (http.User.Identity?.IsAuthenticated == true && await users.GetUserAsync(http.User) is { } user
                && user.PreferredLanguage != culture)
            {
                user.PreferredLanguage = culture;
                await users.UpdateAsync(user);
            }
            return Results.LocalRedirect(returnUrl is { Length: > 0 } && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) ? returnUrl : "/");
        });

    /// <summary>
    /// A mastery level's name in the reader's language: the default scale's names are translated; names a district
    /// chose itself are shown as written.
    /// </summary>
    public static string LevelName(this IStringLocalizer text, string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "—";
        }
        var translated = text[$"Level.{name}"];
        return translated.ResourceNotFound ? name : translated.Value;
    }

    public static string LanguageName(string code) =>
        CultureInfo.GetCultureInfo(code).NativeName is var n ? char.ToUpper(n[0], CultureInfo.GetCultureInfo(code)) + n[1..].Split(' ')[0] : code;
}
