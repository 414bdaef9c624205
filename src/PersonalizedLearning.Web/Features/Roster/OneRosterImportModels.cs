using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.Web.Features.Roster;

/// <summary>Limits for one upload (configuration section "RosterImport").</summary>
public sealed class RosterImportOptions
{
    public long MaxBytes { get; set; } = 50L * 1024 * 1024;
    /// <summary>The most data rows one CSV file in the zip may hold.</summary>
    public int MaxRows { get; set; } = 500_000;
    /// <summary>Guards against zip bombs: the most the files may hold once unpacked.</summary>
    public long MaxUncompressedBytes { get; set; } = 1024L * 1024 * 1024;
    public int InvitationDays { get; set; } = 30;
}

/// <summary>One problem in the upload: which file, line and column, and what is wrong (a text key with arguments).</summary>
public sealed record RosterProblem(string File, int Line, string Column, string Key, params string[] Arguments);

public enum RosterImportPhase
{
    Reading,
    Validating,
    Applying,
    Done,
}

public sealed record RosterImportProgress(RosterImportPhase Phase, int Percent);

/// <summary>What the import did to one kind of record.</summary>
public sealed class RosterEntitySummary
{
    public required string Entity { get; init; }
    public int Created { get; set; }
    public int Updated { get; set; }
    public int Unchanged { get; set; }
    public int Deactivated { get; set; }
    public int Skipped { get; set; }
    /// <summary>Why rows were skipped (a text key → how many).</summary>
    public Dictionary<string, int> SkippedReasons { get; init; } = [];

    public void Skip(string reason)
    {
        Skipped++;
        SkippedReasons[reason] = SkippedReasons.GetValueOrDefault(reason) + 1;
    }
}

/// <summary>A printable one-time code for a guardian the roster gave no email (shown once, stored hashed).</summary>
public sealed record InvitationCode(string GuardianName, string SourcedId, string Code, string Students);

public sealed record RosterImportResult(
    RosterImportOutcome Outcome,
    string Mode,
    IReadOnlyList<RosterProblem> Problems,
    IReadOnlyList<RosterEntitySummary> Summary,
    IReadOnlyList<InvitationCode> Invitations,
    int? ImportId)
{
    public bool Applied => Outcome == RosterImportOutcome.Applied;

    /// <summary>True when nothing at all changed (a re-import of the same file).</summary>
    public bool NothingChanged => Summary.All(s => s.Created == 0 && s.Updated == 0 && s.Deactivated == 0);
}

public sealed record RosterImportHistoryRow(
    int Id, DateTimeOffset StartedAt, string ImportedBy, string FileName, string Mode, RosterImportOutcome Outcome,
    int ProblemCount, IReadOnlyList<RosterEntitySummary> Summary);

/// <summary>The processing mode of one file per manifest.csv.</summary>
public enum RosterFileMode
{
    Absent,
    Bulk,
    Delta,
}
