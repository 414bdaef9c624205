using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.Web.Features.SchoolDashboard;

/// <summary>The drill-down filter as a query string ("grade=7&amp;level=Proficient"), both ways.</summary>
public static class StudentFilterQuery
{
    public static StudentFilter? Parse(Func<string, string?> get)
    {
        int? grade = null, area = null, school = null;
        MasteryBand? level = null;
        FlagRule? rule = null;
        PlanStatus? status = null;
        if (get("grade") is { } g)
        {
            if (!int.TryParse(g, out var v)) { return null; }
            grade = v;
        }
        if (get("area") is { } a)
        {
            if (!int.TryParse(a, out var v)) { return null; }
            area = v;
        }
        if (get("school") is { } sc)
        {
            if (!int.TryParse(sc, out var v)) { return null; }
            school = v;
        }
        if (get("level") is { } l)
        {
            if (!Enum.TryParse<MasteryBand>(l, out var v) || !Enum.IsDefined(v)) { return null; }
            level = v;
        }
        if (get("flagRule") is { } r)
        {
            if (!Enum.TryParse<FlagRule>(r, out var v) || !Enum.IsDefined(v)) { return null; }
            rule = v;
        }
        if (get("planStatus") is { } p)
        {
            if (!Enum.TryParse<PlanStatus>(p, out var v) || !Enum.IsDefined(v)) { return null; }
            status = v;
        }
        static bool Flag(string? value) => value is "true";
        return new StudentFilter(grade, level, area, get("group"), rule, status,
            Flag(get("noPlan")), Flag(get("noAdvisor")), Flag(get("overdueGoals")), Flag(get("atRisk")), school);
    }

    public static string ToQuery(StudentFilter f)
    {
        var parts = new List<string>();
        void Add(string key, object? value)
        {
            if (value is not null) { parts.Add($"{key}={Uri.EscapeDataString(value.ToString()!)}"); }
        }
        Add("school", f.School);
        Add("grade", f.Grade);
        Add("area", f.Area);
        Add("group", f.Group);
        Add("level", f.Level);
        Add("flagRule", f.FlagRule);
        Add("planStatus", f.PlanStatus);
        Add("noPlan", f.NoPlan ? "true" : null);
        Add("noAdvisor", f.NoAdvisor ? "true" : null);
        Add("overdueGoals", f.OverdueGoals ? "true" : null);
        Add("atRisk", f.AtRisk ? "true" : null);
        return string.Join('&', parts);
    }
}
