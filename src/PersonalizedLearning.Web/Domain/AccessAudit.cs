namespace PersonalizedLearning.Web.Domain;

public enum AuditOutcome
{
    Allowed,
    Denied,
}

/// <summary>
/// An append-only row per student for every view or change of a student's record (FERPA).
/// The app's database role may insert and read these rows but never update or delete them.
/// </summary>
public sealed class AccessAudit
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public required string UserId { get; set; }
    public required string Role { get; set; }
    /// <summary>The student asked for; for a denied request it may name a student that does not exist.</summary>
    public int StudentId { get; set; }
    public required string Action { get; set; }
    public AuditOutcome Outcome { get; set; }
}
