namespace PersonalizedLearning.Web.Features.Mastery;

/// <summary>Pure rules over the standards' prerequisite graph.</summary>
public static class MasteryPaths
{
    /// <summary>
    /// Next steps: standards not yet mastered that build on others (at least one prerequisite) whose prerequisites
    /// are all mastered, in the given order.
    /// </summary>
    public static IReadOnlyList<int> NextSteps(
        IEnumerable<(int Id, IReadOnlyCollection<int> Prerequisites)> standards, IReadOnlySet<int> mastered) =>
        [.. standards.Where(s => !mastered.Contains(s.Id) && s.Prerequisites.Count > 0 && s.Prerequisites.All(mastered.Contains)).Select(s => s.Id)];
}
