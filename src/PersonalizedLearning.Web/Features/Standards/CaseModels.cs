namespace PersonalizedLearning.Web.Features.Standards;

/// <summary>A problem in a CASE package: where (a JSON path such as <c>$.CFItems[12].identifier</c>), what (a text key
/// with arguments) and whether it makes the package unusable (an error) or was worked around (a warning).</summary>
public sealed record CaseProblem(string Path, bool IsError, string Key, params object[] Args);

/// <summary>The CFDocument: becomes (or updates) a competency framework.</summary>
public sealed record CaseDocument(string Identifier, string Title);

/// <summary>A CFItem mapped to a standard, with its place in the hierarchy (parent identifier, order in the framework).</summary>
public sealed record CaseStandard(
    string Identifier, string Code, string Statement, string GradeLevels, string? ParentIdentifier, int SortOrder);

/// <summary>A prerequisite link: <see cref="Prerequisite"/> must come before <see cref="Standard"/>.</summary>
public sealed record CasePrerequisite(string Prerequisite, string Standard);

public sealed record CasePackage(
    CaseDocument Document, IReadOnlyList<CaseStandard> Standards, IReadOnlyList<CasePrerequisite> Prerequisites);

/// <summary>The outcome of reading a package: the package (null when unusable) and every problem found.</summary>
public sealed record CaseReadResult(CasePackage? Package, IReadOnlyList<CaseProblem> Problems)
{
    public IEnumerable<CaseProblem> Errors => Problems.Where(p => p.IsError);
    public IEnumerable<CaseProblem> Warnings => Problems.Where(p => !p.IsError);
}

/// <summary>What an import did.</summary>
public sealed record CaseImportSummary(
    int FrameworkId, string FrameworkName, bool FrameworkCreated,
    int Created, int Updated, int Unchanged, int Removed, int KeptWithEvidence, int Prerequisites,
    IReadOnlyList<CaseProblem> Warnings);

/// <summary>The outcome of an upload: a summary, or the problems that stopped it (nothing was imported).</summary>
public sealed record CaseImportOutcome(CaseImportSummary? Summary, IReadOnlyList<CaseProblem> Problems, string? ErrorKey = null)
{
    public bool Succeeded => Summary is not null;
}
