using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace PersonalizedLearning.Bench.Circuits;

/// <summary>A prerendered page: the root components' markers and the persisted component state, as a browser sees them.</summary>
public sealed record PrerenderedPage(Uri Uri, IReadOnlyList<JsonObject> Markers, string ApplicationState);

/// <summary>
/// One signed-in user: a cookie jar that signed in through the real login form (antiforgery token included). Many
/// circuits may share one session, as many tabs share one browser's cookie.
/// </summary>
public sealed partial class BlazorSession(Uri baseUri, CookieContainer cookies, HttpClient http) : IDisposable
{
    public Uri BaseUri { get; } = baseUri;
    public CookieContainer Cookies { get; } = cookies;

    public static async Task<BlazorSession> SignInAsync(Uri baseUri, string email, string password, CancellationToken ct = default)
    {
        var cookies = new CookieContainer();
        var http = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies, AllowAutoRedirect = false })
        {
            BaseAddress = baseUri,
            Timeout = TimeSpan.FromSeconds(60),
        };
        var form = await http.GetStringAsync("Account/Login", ct);
        var token = AntiforgeryToken().Match(form);
        if (!token.Success)
        {
            throw new InvalidOperationException("The login page has no antiforgery token.");
        }
        using var post = await http.PostAsync("Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        }), ct);
        if (!cookies.GetCookies(baseUri).Any(c => c.Name == "pl.auth"))
        {
            throw new InvalidOperationException($"Sign-in failed for {email} ({(int)post.StatusCode}).");
        }
        return new BlazorSession(baseUri, cookies, http);
    }

    /// <summary>GETs a page (prerendered) and reads its Blazor markers and persisted state.</summary>
    public async Task<PrerenderedPage> GetPageAsync(string path, CancellationToken ct = default)
    {
        using var response = await http.GetAsync(path, ct);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}.");
        }
        var html = await response.Content.ReadAsStringAsync(ct);
        var markers = Marker().Matches(html)
            .Select(m => JsonNode.Parse(m.Groups[1].Value)!.AsObject())
            .Where(m => m["descriptor"] is not null)
            .ToList();
        var state = ServerState().Match(html);
        return new PrerenderedPage(new Uri(BaseUri, path), markers, state.Success ? state.Groups[1].Value : "");
    }

    /// <summary>The UpdateRootComponents batch a browser sends: one "add" per prerendered server component.</summary>
    public static string AddOperations(PrerenderedPage page) => new JsonObject
    {
        ["batchId"] = 1,
        ["operations"] = new JsonArray([.. page.Markers.Select((m, i) => (JsonNode)new JsonObject
        {
            ["type"] = "add",
            ["ssrComponentId"] = i + 1,
            ["marker"] = JsonNode.Parse(m.ToJsonString()),
        })]),
    }.ToJsonString(new JsonSerializerOptions());

    /// <summary>The same cookies against another node (both nodes share the data-protection keys in PostgreSQL).</summary>
    public BlazorSession WithBase(Uri node)
    {
        foreach (System.Net.Cookie c in Cookies.GetCookies(BaseUri))
        {
            Cookies.Add(node, new System.Net.Cookie(c.Name, c.Value, "/"));
        }
        return new BlazorSession(node, Cookies, new HttpClient(new SocketsHttpHandler { CookieContainer = Cookies, AllowAutoRedirect = false })
        {
            BaseAddress = node,
            Timeout = TimeSpan.FromSeconds(60),
        });
    }

    /// <summary>POSTs JSON with this session's cookie (bench endpoints).</summary>
    public Task<HttpResponseMessage> PostJsonAsync<T>(string path, T body, CancellationToken ct = default) =>
        http.PostAsync(path, System.Net.Http.Json.JsonContent.Create(body), ct);

    public void Dispose() => http.Dispose();

    [GeneratedRegex("<input[^>]*name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    [GeneratedRegex("<!--Blazor:(\\{.*?\\})-->", RegexOptions.Singleline)]
    private static partial Regex Marker();

    [GeneratedRegex("<!--Blazor-Server-Component-State:(.*?)-->", RegexOptions.Singleline)]
    private static partial Regex ServerState();
}
