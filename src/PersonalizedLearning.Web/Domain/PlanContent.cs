using System.Globalization;

namespace PersonalizedLearning.Web.Domain;

/// <summary>What a plan says: the part students and advisors edit. Also the shape of a revision's snapshot.</summary>
public sealed record PlanContent(string Aspirations, string Reflection, IReadOnlyList<GoalContent> Goals, IReadOnlyList<MilestoneContent> Milestones)
{
    public static readonly PlanContent Empty = new("", "", [], []);

    public const int TextLimit = 4000;
    public const int GoalTextLimit = 2000;
    public const int TitleLimit = 200;
    public const int MaxGoals = 12;
    public const int MaxMilestones = 24;
}

/// <summary>A goal in a plan. Id is the database id, or a negative number for a goal not saved yet.</summary>
public sealed record GoalContent(
    int Id, string Title, string WhyItMatters, string Strategy, DateOnly? TargetDate, GoalStatus Status, IReadOnlyList<int> StandardIds);

public sealed record MilestoneContent(int Id, string Title, DateOnly? DueOn, DateOnly? CompletedOn);

/// <summary>One field that differs between two versions of a plan, e.g. "goal:12:title".</summary>
public sealed record PlanChange(string Field, string? From, string? To);

/// <summary>A field that two editors changed differently since the version both started from.</summary>
public sealed record PlanConflict(string Field, string? Mine, string? Theirs);

/// <summary>A problem with what was typed: the field and a message key with its arguments.</summary>
public sealed record PlanProblem(string Field, string MessageKey, params object[] Arguments);

/// <summary>
/// Pure rules over plan content: validation, the list of changes between versions (for history), and the
/// three-way merge that lets two editors save without losing each other's work.
/// A plan is compared as a flat map of fields ("aspirations", "goal:12:title", ...): a goal or milestone exists
/// while its ":exists" field is present.
/// </summary>
public static class PlanRules
{
    public static IReadOnlyList<PlanProblem> Validate(PlanContent content, DateOnly today, PlanContent? before = null)
    {
        var problems = new List<PlanProblem>();
        CheckLength(problems, "aspirations", content.Aspirations, PlanContent.TextLimit);
        CheckLength(problems, "reflection", content.Reflection, PlanContent.TextLimit);
        if (content.Goals.Count > PlanContent.MaxGoals)
        {
            problems.Add(new("goals", "Problem.TooManyGoals", PlanContent.MaxGoals));
        }
        if (content.Milestones.Count > PlanContent.MaxMilestones)
        {
            problems.Add(new("milestones", "Problem.TooManyMilestones", PlanContent.MaxMilestones));
        }
        foreach (var goal in content.Goals)
        {
            var key = $"goal:{goal.Id}";
            if (string.IsNullOrWhiteSpace(goal.Title))
            {
                problems.Add(new($"{key}:title", "Problem.GoalTitleRequired"));
            }
            CheckLength(problems, $"{key}:title", goal.Title, PlanContent.TitleLimit);
            CheckLength(problems, $"{key}:why", goal.WhyItMatters, PlanContent.GoalTextLimit);
            CheckLength(problems, $"{key}:strategy", goal.Strategy, PlanContent.GoalTextLimit);
            var unchangedDate = before?.Goals.FirstOrDefault(g => g.Id == goal.Id)?.TargetDate == goal.TargetDate && goal.Id > 0;
            if (goal.TargetDate is null)
            {
                problems.Add(new($"{key}:target", "Problem.TargetDateRequired"));
            }
            else if (goal.TargetDate < today && !unchangedDate && goal.Status is not (GoalStatus.Achieved or GoalStatus.Dropped))
            {
                // A date set earlier may pass; a newly typed date may not be in the past.
                problems.Add(new($"{key}:target", "Problem.TargetDateInPast"));
            }
        }
        foreach (var milestone in content.Milestones)
        {
            var key = $"milestone:{milestone.Id}";
            if (string.IsNullOrWhiteSpace(milestone.Title))
            {
                problems.Add(new($"{key}:title", "Problem.MilestoneTitleRequired"));
            }
            CheckLength(problems, $"{key}:title", milestone.Title, PlanContent.TitleLimit);
            if (milestone.DueOn is null)
            {
                problems.Add(new($"{key}:due", "Problem.DueDateRequired"));
            }
        }
        return problems;
    }

    /// <summary>Every field that differs, in a stable order.</summary>
    public static IReadOnlyList<PlanChange> Changes(PlanContent before, PlanContent after)
    {
        var a = Flatten(before);
        var b = Flatten(after);
        return [.. a.Keys.Union(b.Keys).Order(StringComparer.Ordinal)
            .Where(k => a.GetValueOrDefault(k) != b.GetValueOrDefault(k))
            .Select(k => new PlanChange(k, a.GetValueOrDefault(k), b.GetValueOrDefault(k)))];
    }

    /// <summary>
    /// Three-way merge: a field only one side changed takes that side's value; a field both changed to different
    /// values is a conflict (the merged content keeps "theirs" there until the editor chooses).
    /// </summary>
    public static (PlanContent Merged, IReadOnlyList<PlanConflict> Conflicts) Merge(PlanContent original, PlanContent mine, PlanContent theirs)
    {
        var o = Flatten(original);
        var m = Flatten(mine);
        var t = Flatten(theirs);
        var merged = new Dictionary<string, string?>(StringComparer.Ordinal);
        var conflicts = new List<PlanConflict>();
        foreach (var key in o.Keys.Union(m.Keys).Union(t.Keys))
        {
            var (ov, mv, tv) = (o.GetValueOrDefault(key), m.GetValueOrDefault(key), t.GetValueOrDefault(key));
            string? value;
            if (mv == tv || mv == ov)
            {
                value = tv;
            }
            else if (tv == ov)
            {
                value = mv;
            }
            else
            {
                value = tv;
                conflicts.Add(new PlanConflict(key, mv, tv));
            }
            if (value is not null)
            {
                merged[key] = value;
            }
        }
        return (Unflatten(merged), conflicts);
    }

    /// <summary>Applies the editor's choice for conflicting fields: "mine" takes the editor's value.</summary>
    public static PlanContent Resolve(PlanContent merged, IEnumerable<PlanConflict> takeMine)
    {
        var fields = Flatten(merged);
        foreach (var conflict in takeMine)
        {
            if (conflict.Mine is null)
            {
                fields.Remove(conflict.Field);
            }
            else
            {
                fields[conflict.Field] = conflict.Mine;
            }
        }
        return Unflatten(fields);
    }

    /// <summary>Gives goals and milestones saved for the first time their new database ids.</summary>
    public static PlanContent Renumber(PlanContent plan, IReadOnlyDictionary<int, int> goalIds, IReadOnlyDictionary<int, int> milestoneIds) =>
        plan with
        {
            Goals = [.. plan.Goals.Select(g => goalIds.TryGetValue(g.Id, out var id) ? g with { Id = id } : g)],
            Milestones = [.. plan.Milestones.Select(m => milestoneIds.TryGetValue(m.Id, out var id) ? m with { Id = id } : m)],
        };

    internal static Dictionary<string, string?> Flatten(PlanContent plan)
    {
        var f = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["aspirations"] = plan.Aspirations,
            ["reflection"] = plan.Reflection,
        };
        for (var i = 0; i < plan.Goals.Count; i++)
        {
            var g = plan.Goals[i];
            var k = $"goal:{g.Id}";
            f[$"{k}:exists"] = "1";
            f[$"{k}:order"] = i.ToString("D3", CultureInfo.InvariantCulture);
            f[$"{k}:title"] = g.Title;
            f[$"{k}:why"] = g.WhyItMatters;
            f[$"{k}:strategy"] = g.Strategy;
            f[$"{k}:target"] = g.TargetDate?.ToString("O", CultureInfo.InvariantCulture);
            f[$"{k}:status"] = g.Status.ToString();
            f[$"{k}:standards"] = string.Join(',', g.StandardIds.Order());
        }
        for (var i = 0; i < plan.Milestones.Count; i++)
        {
            var m = plan.Milestones[i];
            var k = $"milestone:{m.Id}";
            f[$"{k}:exists"] = "1";
            f[$"{k}:order"] = i.ToString("D3", CultureInfo.InvariantCulture);
            f[$"{k}:title"] = m.Title;
            f[$"{k}:due"] = m.DueOn?.ToString("O", CultureInfo.InvariantCulture);
            f[$"{k}:completed"] = m.CompletedOn?.ToString("O", CultureInfo.InvariantCulture);
        }
        return f;
    }

    internal static PlanContent Unflatten(IReadOnlyDictionary<string, string?> f)
    {
        string Get(string key) => f.GetValueOrDefault(key) ?? "";
        DateOnly? Date(string key) => f.GetValueOrDefault(key) is { Length: > 0 } s ? DateOnly.Parse(s, CultureInfo.InvariantCulture) : null;
        IEnumerable<int> Ids(string kind) => f.Keys
            .Where(k => k.StartsWith(kind + ":", StringComparison.Ordinal) && k.EndsWith(":exists", StringComparison.Ordinal))
            .Select(k => int.Parse(k.Split(':')[1], CultureInfo.InvariantCulture))
            .OrderBy(id => Get($"{kind}:{id}:order"), StringComparer.Ordinal).ThenBy(id => id);

        var goals = Ids("goal").Select(id => new GoalContent(
            id, Get($"goal:{id}:title"), Get($"goal:{id}:why"), Get($"goal:{id}:strategy"), Date($"goal:{id}:target"),
            Enum.TryParse<GoalStatus>(Get($"goal:{id}:status"), out var status) ? status : GoalStatus.NotStarted,
            [.. Get($"goal:{id}:standards").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture))]));
        var milestones = Ids("milestone").Select(id => new MilestoneContent(
            id, Get($"milestone:{id}:title"), Date($"milestone:{id}:due"), Date($"milestone:{id}:completed")));
        return new PlanContent(Get("aspirations"), Get("reflection"), [.. goals], [.. milestones]);
    }

    private static void CheckLength(List<PlanProblem> problems, string field, string? value, int limit)
    {
        if ((value?.Length ?? 0) > limit)
        {
            problems.Add(new(field, "Problem.TooLong", limit));
        }
    }
}
