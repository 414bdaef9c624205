namespace PersonalizedLearning.Web.Domain;

/// <summary>What an alert to a family (or a student) is about.</summary>
public enum AlertKind
{
    /// <summary>A standard's level fell below mastery.</summary>
    MasteryDropped,
    /// <summary>A higher level was reached on a standard.</summary>
    LevelReached,
    /// <summary>No evidence recorded for <see cref="Alerts.NoEvidenceDays"/> days.</summary>
    NoRecentEvidence,
    /// <summary>The advisor shared a check-in note with the family.</summary>
    NoteShared,
    /// <summary>The plan changed status and waits for the guardian's acknowledgement.</summary>
    PlanNeedsAcknowledgement,
    /// <summary>A new message in a guardian–advisor thread.</summary>
    NewMessage,
}

/// <summary>How a user wants alerts by email (they always appear in the notification centre).</summary>
public enum AlertEmail
{
    Immediately,
    DailyDigest,
    Never,
}

public static class Alerts
{
    public const int NoEvidenceDays = 14;
}

/// <summary>
/// One alert for one recipient. <see cref="DedupKey"/> names the event ("mastery:12:40:638…"); the unique index on
/// (recipient, key) makes raising idempotent on every node. <see cref="Email"/> is the recipient's choice when it was
/// raised; <see cref="EmailedAt"/> is set once it went out (alone or in a digest).
/// </summary>
public sealed class Notification
{
    public long Id { get; set; }
    public required string RecipientUserId { get; set; }
    public int StudentId { get; set; }
    public AlertKind Kind { get; set; }
    public required string DedupKey { get; set; }
    /// <summary>Values the text is built from in the reader's language (codes, level names, dates as yyyy-MM-dd).</summary>
    public List<string> Facts { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ReadAt { get; set; }
    public AlertEmail Email { get; set; }
    public DateTimeOffset? EmailedAt { get; set; }
}

/// <summary>A user's alert settings; no row means every alert, emailed immediately.</summary>
public sealed class AlertPreference
{
    public required string UserId { get; set; }
    public List<string> MutedKinds { get; set; } = [];
    public AlertEmail Email { get; set; }
}

/// <summary>The conversation between one guardian and the advisor of one child.</summary>
public sealed class MessageThread
{
    public int Id { get; set; }
    public int StudentId { get; set; }
    public required string GuardianUserId { get; set; }
    public DateTimeOffset LastMessageAt { get; set; }
    public DateTimeOffset? GuardianReadAt { get; set; }
    public DateTimeOffset? AdvisorReadAt { get; set; }
}

public sealed class FamilyMessage
{
    public long Id { get; set; }
    public int ThreadId { get; set; }
    public required string AuthorUserId { get; set; }
    public required string Body { get; set; }
    public DateTimeOffset SentAt { get; set; }
}
