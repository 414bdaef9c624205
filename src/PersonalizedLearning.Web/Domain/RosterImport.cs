namespace PersonalizedLearning.Web.Domain;

public enum RosterImportOutcome
{
    Applied,
    Rejected,
    Failed,
}

/// <summary>One OneRoster import attempt: who, when, which file, and what it did (the durable import history).</summary>
public sealed class RosterImport
{
    public int Id { get; set; }
    public int DistrictId { get; set; }
    public required string UserId { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset FinishedAt { get; set; }
    public required string FileName { get; set; }
    /// <summary>"bulk", "delta" or "mixed" (per the manifest's file.* entries).</summary>
    public required string Mode { get; set; }
    public RosterImportOutcome Outcome { get; set; }
    public int ProblemCount { get; set; }
    /// <summary>The summary per entity (created / updated / unchanged / deactivated / skipped), as JSON.</summary>
    public string Summary { get; set; } = "[]";
}

/// <summary>
/// A one-time code for a guardian the roster gave no email: printed by the district, redeemed at /account/redeem
/// where the guardian chooses an email and password. Only a SHA-256 hash of the code is stored.
/// </summary>
public sealed class GuardianInvitation
{
    public int Id { get; set; }
    public required string UserId { get; set; }
    public required string CodeHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? RedeemedAt { get; set; }
}
