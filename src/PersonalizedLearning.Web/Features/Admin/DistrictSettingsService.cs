using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Infrastructure;

namespace PersonalizedLearning.Web.Features.Admin;

/// <summary>The district's early-warning thresholds and tutoring allowance (a form over <see cref="DistrictSettings"/>).</summary>
public sealed class DistrictSettingsInput
{
    [Range(1, 60)] public int MaxAdvisorySize { get; set; }
    [Range(0, 500)] public int TutoringAllowanceHours { get; set; }
    [Range(1, 60)] public int NoCheckInSchoolDays { get; set; }
    [Range(1, 120)] public int NoEvidenceSchoolDays { get; set; }
    [Range(1, 4)] public int LowMoodMax { get; set; }
    [Range(1, 20)] public int LowMoodCount { get; set; }
    [Range(1, 20)] public int LowMoodWindow { get; set; }
    [Range(1, 30)] public int HelpAnswerSchoolDays { get; set; }
    [Range(1, 50)] public int FallingStandards { get; set; }
    [Range(1, 40)] public int PlanDraftWeeks { get; set; }

    public static DistrictSettingsInput From(DistrictSettings s) => new()
    {
        MaxAdvisorySize = s.MaxAdvisorySize,
        TutoringAllowanceHours = s.TutoringAllowanceHours,
        NoCheckInSchoolDays = s.NoCheckInSchoolDays,
        NoEvidenceSchoolDays = s.NoEvidenceSchoolDays,
        LowMoodMax = s.LowMoodMax,
        LowMoodCount = s.LowMoodCount,
        LowMoodWindow = s.LowMoodWindow,
        HelpAnswerSchoolDays = s.HelpAnswerSchoolDays,
        FallingStandards = s.FallingStandards,
        PlanDraftWeeks = s.PlanDraftWeeks,
    };

    public void ApplyTo(DistrictSettings s)
    {
        s.MaxAdvisorySize = MaxAdvisorySize;
        s.TutoringAllowanceHours = TutoringAllowanceHours;
        s.NoCheckInSchoolDays = NoCheckInSchoolDays;
        s.NoEvidenceSchoolDays = NoEvidenceSchoolDays;
        s.LowMoodMax = LowMoodMax;
        s.LowMoodCount = LowMoodCount;
        s.LowMoodWindow = LowMoodWindow;
        s.HelpAnswerSchoolDays = HelpAnswerSchoolDays;
        s.FallingStandards = FallingStandards;
        s.PlanDraftWeeks = PlanDraftWeeks;
    }
}

public sealed class DistrictSettingsService(
    IDbContextFactory<AppDbContext> dbf, CurrentUser currentUser, ILogger<DistrictSettingsService> logger)
{
    public async Task<DistrictSettingsInput?> GetAsync(CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        if (!me.Is(Roles.DistrictAdmin))
        {
            return null;
        }
        await using var db = await dbf.CreateDbContextAsync(ct);
        var settings = await db.Users.AsNoTracking().Where(u => u.Id == me.UserId && u.Active)
            .Select(u => db.Districts.Where(d => d.Id == u.DistrictId).Select(d => d.Settings).First())
            .FirstOrDefaultAsync(ct);
        return settings is null ? null : DistrictSettingsInput.From(settings);
    }

    /// <summary>Saves the thresholds; null when they were saved, else the text key of the problem.</summary>
    public async Task<string?> SaveAsync(DistrictSettingsInput input, CancellationToken ct = default)
    {
        var me = await currentUser.GetAsync();
        var problems = new List<ValidationResult>();
        if (!Validator.TryValidateObject(input, new ValidationContext(input), problems, validateAllProperties: true))
        {
            return "Settings.OutOfRange";
        }
        if (input.LowMoodCount > input.LowMoodWindow)
        {
            return "Settings.LowMoodCountOverWindow";
        }
        if (!me.Is(Roles.DistrictAdmin))
        {
            return "AccessDeniedBody";
        }
        return await dbf.InTransactionAsync(async (db, t) =>
        {
            var districtId = await db.DistrictIdAsync(me, t);
            var district = districtId is null ? null : await db.Districts.FirstOrDefaultAsync(d => d.Id == districtId, t);
            if (district is null)
            {
                return "AccessDeniedBody";
            }
            input.ApplyTo(district.Settings);
            db.Entry(district).Reference(d => d.Settings).TargetEntry!.State = EntityState.Modified;
            await db.SaveChangesAsync(t);
            logger.LogInformation("District {DistrictId} settings changed by {UserId}", district.Id, me.UserId);
            return (string?)null;
        }, ct);
    }
}
