using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.Web.Infrastructure;

/// <summary>Who is asking: the signed-in user's id and roles. Scopes come from the database on every query.</summary>
public sealed record Viewer(string UserId, IReadOnlySet<string> Roles)
{
    public bool Is(string role) => Roles.Contains(role);

    /// <summary>The roles, for the audit log.</summary>
    public string RoleList => string.Join(',', Roles.Order(StringComparer.Ordinal));

    public static Viewer From(ClaimsPrincipal user)
    {
        var id = user.FindFirstValue(ClaimTypes.NameIdentifier)
            ?? throw new InvalidOperationException("The user is not signed in.");
        var roles = user.FindAll(ClaimTypes.Role).Select(c => c.Value).Where(r => Domain.Roles.All.Contains(r));
        return new Viewer(id, roles.ToHashSet(StringComparer.Ordinal));
    }
}

/// <summary>The signed-in user of this request or circuit.</summary>
public sealed class CurrentUser(AuthenticationStateProvider auth)
{
    public async Task<Viewer> GetAsync()
    {
        var state = await auth.GetAuthenticationStateAsync();
        return Viewer.From(state.User);
    }
}
