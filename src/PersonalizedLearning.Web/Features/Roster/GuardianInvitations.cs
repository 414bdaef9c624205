using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.Web.Features.Roster;

public sealed record RedeemForm
{
    public string Code { get; set; } = "";
    public string Email { get; set; } = "";
    public string Password { get; set; } = "";
    public string ConfirmPassword { get; set; } = "";
}

/// <summary>
/// One-time invitation codes for guardians without an email: 12 characters from an alphabet without look-alikes
/// (about 60 bits), printed in groups of four; stored as a SHA-256 hash; valid once, until they expire.
/// </summary>
public sealed class GuardianInvitations(
    AppDbContext db, UserManager<AppUser> users, TimeProvider clock, ILogger<GuardianInvitations> logger)
{
    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    public static string NewCode()
    {
        var chars = new char[12];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }
        var code = new string(chars);
        return $"{code[..4]}-{code[4..8]}-{code[8..]}";
    }

    public static string Normalize(string code) =>
        new([.. code.ToUpperInvariant().Where(char.IsLetterOrDigit)]);

    public static string Hash(string code) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Normalize(code))));

    /// <summary>Checks the code, then gives the guardian's account the chosen email and password (one save).</summary>
    public async Task<Result> RedeemAsync(RedeemForm form, CancellationToken ct = default)
    {
        if (Normalize(form.Code).Length != 12)
        {
            return Result.Fail("Redeem.BadCode");
        }
        if (string.IsNullOrWhiteSpace(form.Email) || !form.Email.Contains('@', StringComparison.Ordinal) || form.Email.Length > 256)
        {
            return Result.Fail("Redeem.BadEmail");
        }
        if (form.Password != form.ConfirmPassword)
        {
            return Result.Fail("Redeem.PasswordsDiffer");
        }
        var now = clock.GetUtcNow();
        var hash = Hash(form.Code);
        var invitation = await db.GuardianInvitations.FirstOrDefaultAsync(i => i.CodeHash == hash && i.RedeemedAt == null && i.ExpiresAt > now, ct);
        var user = invitation is null ? null : await users.FindByIdAsync(invitation.UserId);
        if (invitation is null || user is null || !user.Active || user.PasswordHash is not null)
        {
            logger.LogWarning("An invitation code was refused (unknown, used or expired)");
            return Result.Fail("Redeem.BadCode");
        }
        var email = form.Email.Trim();
        if (await users.FindByEmailAsync(email) is not null)
        {
            return Result.Fail("Redeem.EmailTaken");
        }
        foreach (var validator in users.PasswordValidators)
        {
            if (!(await validator.ValidateAsync(users, user, form.Password)).Succeeded)
            {
                return Result.Fail("Redeem.WeakPassword", users.Options.Password.RequiredLength);
            }
        }
        user.Email = email;
        user.NormalizedEmail = users.NormalizeEmail(email);
        user.UserName = email;
        user.NormalizedUserName = users.NormalizeName(email);
        user.EmailConfirmed = true;
        user.PasswordHash = users.PasswordHasher.HashPassword(user, form.Password);
        user.SecurityStamp = Guid.NewGuid().ToString("N");
        invitation.RedeemedAt = now;
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Guardian {UserId} redeemed invitation {InvitationId}", user.Id, invitation.Id);
        return Result.Ok;
    }
}
