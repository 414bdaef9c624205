namespace PersonalizedLearning.Web.Features.Mastery;

/// <summary>
/// One problem in an evidence CSV: the 1-based line in the file, the column (as named in the header, or the
/// expected name when the column is missing; empty for the whole file) and a text key with its arguments.
/// </summary>
public sealed record EvidenceImportProblem(int Line, string Column, string Key, params string[] Arguments);

/// <summary>
/// The outcome of an import. When <see cref="ProblemCount"/> is not zero nothing was applied; <see cref="Problems"/>
/// holds the first <see cref="EvidenceImportReader.MaxProblemsListed"/> of them in file order.
/// </summary>
public sealed record EvidenceImportResult(
    bool Applied,
    int Rows,
    int Added,
    int AlreadyThere,
    int StudentsTouched,
    int RollupsUpdated,
    IReadOnlyList<EvidenceImportProblem> Problems,
    int ProblemCount)
{
    public bool Succeeded => ProblemCount == 0;

    /// <summary>Wall time of each phase of an applied import, in order (for the log and the benchmark).</summary>
    public IReadOnlyList<EvidenceImportPhase> Phases { get; init; } = [];

    public static EvidenceImportResult Failed(IReadOnlyList<EvidenceImportProblem> problems, int count, int rows = 0) =>
        new(false, rows, 0, 0, 0, 0, problems, count);
}

/// <summary>One timed phase of an import ("read", "copy", "add", "rollups", …) and its wall time.</summary>
public readonly record struct EvidenceImportPhase(string Name, double Milliseconds)
{
    public override string ToString() => $"{Name} {Milliseconds:0} ms";
}

public enum EvidenceImportStage
{
    Reading,
    Staging,
    Adding,
    Rollups,
    Finishing,
    Done,
}

/// <summary>Where an import is: the stage, rows read so far and the overall completion in percent (0–100).</summary>
public readonly record struct EvidenceImportProgress(EvidenceImportStage Stage, int Rows, double Percent);
