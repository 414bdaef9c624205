using Microsoft.EntityFrameworkCore;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.Web.Features.Plans;

public sealed record TemplateRow(int Id, string Name, string? School, int LowestGrade, int HighestGrade, int Goals, bool CanEdit);

/// <summary>The form for one template (Id 0 = new).</summary>
public sealed class TemplateForm
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public int? SchoolId { get; set; }
    public int LowestGrade { get; set; } = 6;
    public int HighestGrade { get; set; } = 8;
    public string Aspirations { get; set; } = "";
    public List<TemplateGoalForm> Goals { get; set; } = [];
}

public sealed class TemplateGoalForm
{
    public string Title { get; set; } = "";
    public string WhyItMatters { get; set; } = "";
    public string Strategy { get; set; } = "";
    public int WeeksFromStart { get; set; } = 8;
}

/// <summary>
/// Plan templates: district administrators manage the district's and every school's; a principal manages their own
/// school's and reads the district's. New plans start from the school's template for the grade, else the district's.
/// </summary>
public sealed class PlanTemplateService(IDbContextFactory<AppDbContext> dbf, CurrentUser currentUser)
{
    public async Task<(IReadOnlyList<TemplateRow> Templates, IReadOnlyList<(int Id, string Name)> Schools)> ListAsync(CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        await using var db = await dbf.CreateDbContextAsync(ct);
        var scope = await ScopeAsync(db, me, ct);
        var templates = await db.PlanTemplates.AsNoTracking()
            .Where(t => t.DistrictId == scope.DistrictId && (scope.IsAdmin || t.SchoolId == null || t.SchoolId == scope.SchoolId))
            .OrderBy(t => t.SchoolId != null).ThenBy(t => t.LowestGrade).ThenBy(t => t.Name)
            .Select(t => new { t.Id, t.Name, School = db.Schools.Where(s => s.Id == t.SchoolId).Select(s => s.Name).FirstOrDefault(), t.LowestGrade, t.HighestGrade, t.Goals, t.SchoolId })
            .ToListAsync(ct);
        var schools = await db.Schools.AsNoTracking()
            .Where(s => s.DistrictId == scope.DistrictId && (scope.IsAdmin || s.Id == scope.SchoolId))
            .OrderBy(s => s.Name).Select(s => new { s.Id, s.Name }).ToListAsync(ct);
        return ([.. templates.Select(t => new TemplateRow(t.Id, t.Name, t.School, t.LowestGrade, t.HighestGrade, t.Goals.Count,
                    scope.IsAdmin || (t.SchoolId != null && t.SchoolId == scope.SchoolId)))],
                [.. schools.Select(s => (s.Id, s.Name))]);
    }

    public async Task<TemplateForm?> GetAsync(int id, CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        await using var db = await dbf.CreateDbContextAsync(ct);
        var scope = await ScopeAsync(db, me, ct);
        var t = await db.PlanTemplates.AsNoTracking()
            .FirstOrDefaultAsync(t => t.Id == id && t.DistrictId == scope.DistrictId && (scope.IsAdmin || t.SchoolId == null || t.SchoolId == scope.SchoolId), ct);
        return t is null ? null : new TemplateForm
        {
            Id = t.Id,
            Name = t.Name,
            SchoolId = t.SchoolId,
            LowestGrade = t.LowestGrade,
            HighestGrade = t.HighestGrade,
            Aspirations = t.Aspirations,
            Goals = [.. t.Goals.Select(g => new TemplateGoalForm { Title = g.Title, WhyItMatters = g.WhyItMatters, Strategy = g.Strategy, WeeksFromStart = g.WeeksFromStart })],
        };
    }

    public static IReadOnlyList<string> Validate(TemplateForm form)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(form.Name) || form.Name.Length > 200)
        {
            problems.Add("Problem.TemplateName");
        }
        if (form.LowestGrade is < 0 or > 12 || form.HighestGrade is < 0 or > 12 || form.LowestGrade > form.HighestGrade)
        {
            problems.Add("Problem.GradeRange");
        }
        if (form.Aspirations.Length > PlanContent.TextLimit)
        {
            problems.Add("Problem.TemplateTooLong");
        }
        if (form.Goals.Count > PlanContent.MaxGoals || form.Goals.Any(g => string.IsNullOrWhiteSpace(g.Title) || g.Title.Length > PlanContent.TitleLimit
            || g.WhyItMatters.Length > PlanContent.GoalTextLimit || g.Strategy.Length > PlanContent.GoalTextLimit || g.WeeksFromStart is < 1 or > 52))
        {
            problems.Add("Problem.TemplateGoals");
        }
        return problems;
    }

    public async Task<Result> SaveAsync(TemplateForm form, CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        if (Validate(form) is { Count: > 0 } problems)
        {
            return Result.Fail(problems[0]);
        }
        return await dbf.InTransactionAsync(async (db, token) =>
        {
            var scope = await ScopeAsync(db, me, token);
            if (!scope.IsAdmin && (form.SchoolId is null || form.SchoolId != scope.SchoolId))
            {
                return Result.Fail("Problem.TemplateNotYours");
            }
            if (form.SchoolId is { } schoolId && !await db.Schools.AnyAsync(s => s.Id == schoolId && s.DistrictId == scope.DistrictId, token))
            {
                return Result.Fail("NotFoundBody");
            }
            var template = form.Id == 0 ? null : await db.PlanTemplates.FirstOrDefaultAsync(t => t.Id == form.Id && t.DistrictId == scope.DistrictId, token);
            if (form.Id != 0 && (template is null || (!scope.IsAdmin && template.SchoolId != scope.SchoolId)))
            {
                return Result.Fail("NotFoundBody");
            }
            if (template is null)
            {
                template = new PlanTemplate { Name = form.Name, DistrictId = scope.DistrictId };
                db.PlanTemplates.Add(template);
            }
            template.Name = form.Name.Trim();
            template.SchoolId = form.SchoolId;
            template.LowestGrade = form.LowestGrade;
            template.HighestGrade = form.HighestGrade;
            template.Aspirations = form.Aspirations;
            template.Goals = [.. form.Goals.Select(g => new TemplateGoal(g.Title.Trim(), g.WhyItMatters, g.Strategy, g.WeeksFromStart))];
            await db.SaveChangesAsync(token);
            return Result.Ok;
        }, ct);
    }

    public async Task<Result> DeleteAsync(int id, CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        return await dbf.InTransactionAsync(async (db, token) =>
        {
            var scope = await ScopeAsync(db, me, token);
            var template = await db.PlanTemplates.FirstOrDefaultAsync(t => t.Id == id && t.DistrictId == scope.DistrictId, token);
            if (template is null || (!scope.IsAdmin && template.SchoolId != scope.SchoolId))
            {
                return Result.Fail("NotFoundBody");
            }
            db.PlanTemplates.Remove(template);
            await db.SaveChangesAsync(token);
            return Result.Ok;
        }, ct);
    }

    private static async Task<(int DistrictId, int? SchoolId, bool IsAdmin)> ScopeAsync(AppDbContext db, Viewer me, CancellationToken ct)
    {
        var user = await db.Users.AsNoTracking().Where(u => u.Id == me.UserId && u.Active).Select(u => new { u.DistrictId, u.SchoolId }).FirstAsync(ct);
        return (user.DistrictId, me.Is(Roles.Principal) ? user.SchoolId : null, me.Is(Roles.DistrictAdmin));
    }
}
