namespace PersonalizedLearning.Web.Features.Mastery;

/// <summary>A suggested small group: students who all still need the same standards.</summary>
public sealed record GroupSuggestion(IReadOnlyList<StandardColumn> Standards, IReadOnlyList<GridStudent> Students);

/// <summary>
/// Small-group suggestions from the grid's rollups (pure). For each standard, the students with evidence who are not
/// yet at mastery, lowest scores first, split into groups of at most <see cref="MaxSize"/> (so students at a similar
/// level are taught together); each group lists every standard its students all still need. Groups of one are left out.
/// </summary>
public static class SmallGroups
{
    public const int MinSize = 2;
    public const int MaxSize = 6;
    public const int MaxGroups = 6;

    public static IReadOnlyList<GroupSuggestion> Suggest(
        IReadOnlyList<GridStudent> students, IReadOnlyList<StandardColumn> standards, IEnumerable<GridCell> cells)
    {
        var open = cells.Where(c => c.EvidenceCount > 0 && !c.AtMastery).ToDictionary(c => (c.StudentId, c.StandardId));
        var byId = students.ToDictionary(s => s.Id);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var groups = new List<GroupSuggestion>();
        foreach (var standard in standards)
        {
            var needing = students.Where(s => open.ContainsKey((s.Id, standard.Id)))
                .OrderBy(s => open[(s.Id, standard.Id)].Score ?? 0m).ThenBy(s => s.Name, StringComparer.CurrentCulture).ToList();
            var chunks = (needing.Count + MaxSize - 1) / MaxSize;
            for (var c = 0; c < chunks; c++)
            {
                var size = (needing.Count + chunks - 1) / chunks;
                var group = needing.Skip(c * size).Take(size).ToList();
                if (group.Count < MinSize || !seen.Add(string.Join(',', group.Select(s => s.Id).Order())))
                {
                    continue;
                }
                var shared = standards.Where(x => group.All(s => open.ContainsKey((s.Id, x.Id)))).ToList();
                groups.Add(new GroupSuggestion(shared, [.. group.OrderBy(s => s.Name, StringComparer.CurrentCulture).Select(s => byId[s.Id])]));
            }
        }
        return [.. groups.OrderByDescending(g => g.Standards.Count * g.Students.Count).ThenByDescending(g => g.Students.Count).Take(MaxGroups)];
    }
}
