using Microsoft.EntityFrameworkCore;
using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.Web.Data.Seeding;

/// <summary>The featured family's conversation with Maya's advisor and two alerts, so the guardian's pages show them.</summary>
internal static class DemoFamily
{
    public static async Task SeedAsync(AppDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        var elena = await db.Users.Where(u => u.NormalizedEmail == DemoText.GuardianEmail.ToUpperInvariant()).Select(u => u.Id).SingleAsync(ct);
        var maya = await db.Students
            .Where(s => db.Users.Any(u => u.Id == s.UserId && u.NormalizedEmail == DemoText.StudentEmail.ToUpperInvariant()))
            .Select(s => new { s.Id, Advisor = s.Advisory!.AdvisorUserId })
            .SingleAsync(ct);
        var code = await db.MasteryRollups.Where(r => r.StudentId == maya.Id && r.AtMastery)
            .Join(db.Standards, r => r.StandardId, s => s.Id, (r, s) => s.Code).OrderBy(c => c).FirstOrDefaultAsync(ct) ?? "";

        var thread = new MessageThread
        {
            StudentId = maya.Id,
            GuardianUserId = elena,
            LastMessageAt = now.AddDays(-1),
            AdvisorReadAt = now.AddDays(-1),
            GuardianReadAt = now.AddDays(-2),
        };
        db.MessageThreads.Add(thread);
        await db.SaveChangesAsync(ct);
        db.FamilyMessages.AddRange(
            new FamilyMessage
            {
                ThreadId = thread.Id,
                AuthorUserId = elena,
                SentAt = now.AddDays(-2),
                Body = "Buenas tardes. Maya dice que las fracciones le cuestan un poco. ¿Cómo podemos ayudarla en casa?",
            },
            new FamilyMessage
            {
                ThreadId = thread.Id,
                AuthorUserId = maya.Advisor,
                SentAt = now.AddDays(-1),
                Body = "Hola Elena: practicar recetas con medidas ayuda mucho. Esta semana Maya trabaja con su grupo de tutoría.",
            });
        db.Notifications.AddRange(
            new Notification
            {
                RecipientUserId = elena,
                StudentId = maya.Id,
                Kind = AlertKind.NewMessage,
                DedupKey = $"NewMessage:{maya.Id}:demo",
                Facts = ["Rosa Alvarez"],
                CreatedAt = now.AddDays(-1),
                Email = AlertEmail.Never,
                EmailedAt = now.AddDays(-1),
            },
            new Notification
            {
                RecipientUserId = elena,
                StudentId = maya.Id,
                Kind = AlertKind.LevelReached,
                DedupKey = $"LevelReached:{maya.Id}:demo",
                Facts = [code, "Proficient"],
                CreatedAt = now.AddHours(-5),
                Email = AlertEmail.Never,
                EmailedAt = now.AddHours(-5),
            });
        await db.SaveChangesAsync(ct);
    }
}
