using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using netDumbster.smtp;
using PersonalizedLearning.TestSupport;
using PersonalizedLearning.Web.Data;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Features.Advisory;
using PersonalizedLearning.Web.Features.Family;
using PersonalizedLearning.Web.Features.Mastery;
using PersonalizedLearning.Web.Features.Plans;

namespace PersonalizedLearning.IntegrationTests;

/// <summary>A Monday in the school year, so check-ins can be recorded "today".</summary>
public sealed class FamilyFixture : AppFixture
{
    public static readonly DateTimeOffset Monday = new(2026, 11, 23, 15, 0, 0, TimeSpan.Zero);

    protected override TimeProvider? Clock => new ShiftedTimeProvider(Monday);
}

/// <summary>Guardian views, guardian–advisor messages and family alerts against a real PostgreSQL.</summary>
public class FamilyTests(FamilyFixture fixture) : IClassFixture<FamilyFixture>
{
    private static readonly string Guardian = AppFixture.DemoEmail(Roles.Guardian);
    private static readonly string Advisor = AppFixture.DemoEmail(Roles.Advisor);
    private static readonly string Teacher = AppFixture.DemoEmail(Roles.Teacher);
    private static readonly string StudentEmail = AppFixture.DemoEmail(Roles.Student);

    [Fact]
    public async Task A_guardian_sees_each_own_child_and_never_another_familys_child_by_id()
    {
        var f = await FactsAsync();
        await using var scope = await fixture.App.ScopeForAsync(Guardian);
        var children = fixture.Service<ChildService>(scope);

        var maya = await children.GetAsync(f.Maya);
        Assert.NotNull(maya);
        Assert.Equal(f.Maya, maya.StudentId);
        Assert.Equal(f.ElenasChildren.Order(), maya.Children.Select(c => c.StudentId).Order());
        Assert.Equal("Rosa Alvarez", maya.Advisor);
        var other = Assert.Single(f.ElenasChildren, id => id != f.Maya);
        Assert.Equal(other, (await children.GetAsync(other))!.StudentId);

        Assert.Null(await children.GetAsync(f.OtherFamilyChild));
        Assert.Null(await children.GetAsync(987_654));
        Assert.Null(await fixture.Service<MessageService>(scope).GetAsync(f.OtherFamilyChild));
        Assert.False((await fixture.Service<MessageService>(scope).PostAsync(f.OtherFamilyChild, null, "Hello")).Succeeded);

        await Task.Delay(1200); // the audit queue flushes every 0.5 s
        var denied = await fixture.QueryAsync<long>(
            "SELECT count(*) FROM access_audit WHERE user_id = @p0 AND student_id = @p1 AND outcome = 'Denied'", f.ElenaId, f.OtherFamilyChild);
        Assert.True(denied.Single() >= 3);
        var viewed = await fixture.QueryAsync<long>(
            "SELECT count(*) FROM access_audit WHERE user_id = @p0 AND student_id = @p1 AND action = 'guardian-child' AND outcome = 'Allowed'", f.ElenaId, f.Maya);
        Assert.True(viewed.Single() >= 1);
    }

    [Fact]
    public async Task A_custody_restriction_hides_the_child_from_that_guardian_only()
    {
        await using var db = fixture.OwnerContext();
        var restricted = await db.GuardianLinks.AsNoTracking().SingleAsync(g => g.CustodyRestricted);
        var other = await db.GuardianLinks.AsNoTracking().FirstAsync(g => g.StudentId == restricted.StudentId && !g.CustodyRestricted);
        var restrictedEmail = await db.Users.Where(u => u.Id == restricted.GuardianUserId).Select(u => u.Email!).SingleAsync();
        var otherEmail = await db.Users.Where(u => u.Id == other.GuardianUserId).Select(u => u.Email!).SingleAsync();

        await using (var scope = await fixture.App.ScopeForAsync(restrictedEmail))
        {
            Assert.Null(await fixture.Service<ChildService>(scope).GetAsync(restricted.StudentId));
            Assert.DoesNotContain((await fixture.Service<Web.Features.Homes.HomeService>(scope).GuardianHomeAsync()).Children,
                c => c.StudentId == restricted.StudentId);
            Assert.False((await fixture.Service<MessageService>(scope).PostAsync(restricted.StudentId, null, "Hi")).Succeeded);
        }
        await using (var scope = await fixture.App.ScopeForAsync(otherEmail))
        {
            Assert.NotNull(await fixture.Service<ChildService>(scope).GetAsync(restricted.StudentId));
        }
    }

    [Fact]
    public async Task Only_the_guardian_and_the_childs_advisor_read_and_post_in_their_thread()
    {
        var f = await FactsAsync();
        await using (var db = fixture.OwnerContext())
        {
            await db.FamilyMessages.ExecuteDeleteAsync();
            await db.MessageThreads.ExecuteDeleteAsync();
        }
        await using (var guardian = await fixture.App.ScopeForAsync(Guardian))
        {
            Assert.True((await fixture.Service<MessageService>(guardian).PostAsync(f.Maya, null, "¿Cómo va Maya en matemáticas?")).Succeeded);
            Assert.Equal("Messages.Empty", (await fixture.Service<MessageService>(guardian).PostAsync(f.Maya, null, "   ")).ErrorKey);
        }
        await using (var advisor = await fixture.App.ScopeForAsync(Advisor))
        {
            var messages = fixture.Service<MessageService>(advisor);
            var inbox = await messages.InboxAsync();
            var row = Assert.Single(inbox, r => r.StudentId == f.Maya && r.GuardianUserId == f.ElenaId);
            Assert.Equal(1, row.Unread);
            var thread = await messages.GetAsync(f.Maya, f.ElenaId);
            Assert.Contains(thread!.Messages, m => m.Body == "¿Cómo va Maya en matemáticas?" && !m.Mine);
            Assert.True((await messages.PostAsync(f.Maya, f.ElenaId, "Muy bien, gracias.")).Succeeded);
            Assert.Equal(0, (await messages.InboxAsync()).Single(r => r.StudentId == f.Maya && r.GuardianUserId == f.ElenaId).Unread);
        }
        await using (var guardian = await fixture.App.ScopeForAsync(Guardian))
        {
            Assert.Equal(1, (await fixture.Service<ChildService>(guardian).GetAsync(f.Maya))!.UnreadMessages);
            var thread = await fixture.Service<MessageService>(guardian).GetAsync(f.Maya);
            Assert.Equal(["¿Cómo va Maya en matemáticas?", "Muy bien, gracias."], thread!.Messages.Select(m => m.Body));
            Assert.Equal(0, (await fixture.Service<ChildService>(guardian).GetAsync(f.Maya))!.UnreadMessages);
        }

        // Another guardian, a teacher of the child (not the advisor), another advisor and the student: not found.
        foreach (var email in new[] { f.OtherGuardianEmail, Teacher, f.OtherAdvisorEmail, StudentEmail })
        {
            await using var scope = await fixture.App.ScopeForAsync(email);
            var messages = fixture.Service<MessageService>(scope);
            Assert.Null(await messages.GetAsync(f.Maya, f.ElenaId));
            Assert.Null(await messages.GetAsync(f.Maya));
            Assert.False((await messages.PostAsync(f.Maya, f.ElenaId, "let me in")).Succeeded);
            Assert.DoesNotContain(await messages.InboxAsync(), r => r.StudentId == f.Maya);
        }
        var bodies = await fixture.QueryAsync<string>(
            "SELECT m.body FROM family_messages m JOIN message_threads t ON t.id = m.thread_id WHERE t.student_id = @p0", f.Maya);
        Assert.DoesNotContain("let me in", bodies);
    }

    [Fact]
    public async Task Evidence_raises_level_reached_then_below_mastery_for_the_family_once_each()
    {
        var f = await FactsAsync();
        await ClearAlertsAsync();
        await RecordAsync(f, 4m);
        var reached = await AlertsAsync(AlertKind.LevelReached, f.Maya);
        Assert.Equal(f.FamilyUserIds.Order(), reached.Order());

        await RecordAsync(f, 1m);
        var dropped = await AlertsAsync(AlertKind.MasteryDropped, f.Maya);
        Assert.Equal(f.FamilyUserIds.Order(), dropped.Order());
        Assert.Equal(f.FamilyUserIds.Length, (await AlertsAsync(AlertKind.LevelReached, f.Maya)).Count);

        // The guardian reads it in her language, in the notification centre, and the bell counts it.
        await using var scope = await fixture.App.ScopeForAsync(Guardian);
        var centre = fixture.Service<NotificationService>(scope);
        var mine = await centre.ListAsync();
        Assert.Contains(mine, n => n.Kind == AlertKind.MasteryDropped && n.StudentId == f.Maya && n.Facts[0] == f.StandardCode);
        var unread = await centre.UnreadCountAsync();
        Assert.True(unread >= 2);
        await centre.MarkReadAsync(mine[0].Id);
        Assert.Equal(unread - 1, await centre.UnreadCountAsync());
    }

    [Fact]
    public async Task A_shared_note_a_plan_step_and_a_message_each_alert_the_right_people()
    {
        var f = await FactsAsync();
        await ClearAlertsAsync();
        await using (var advisor = await fixture.App.ScopeForAsync(Advisor))
        {
            var checkIns = fixture.Service<CheckInService>(advisor);
            var day = DateOnly.FromDateTime(FamilyFixture.Monday.UtcDateTime);
            var input = new CheckInInput { StudentId = f.Maya, Day = day, Mood = 4, AdvisorNote = "Great focus today.", AdvisorNoteShared = true };
            Assert.True((await checkIns.SaveAsync(input)).Ok);
            Assert.True((await checkIns.SaveAsync(input)).Ok); // saved again: still one alert per person
            Assert.True((await fixture.Service<MessageService>(advisor).PostAsync(f.Maya, f.ElenaId, "Hola Elena")).Succeeded);
        }
        Assert.Equal(f.FamilyUserIds.Order(), (await AlertsAsync(AlertKind.NoteShared, f.Maya)).Order());
        Assert.Equal([f.ElenaId], await AlertsAsync(AlertKind.NewMessage, f.Maya));

        await using (var guardian = await fixture.App.ScopeForAsync(Guardian))
        {
            Assert.True((await fixture.Service<MessageService>(guardian).PostAsync(f.Maya, null, "Gracias")).Succeeded);
        }
        Assert.Contains(f.AdvisorId, await AlertsAsync(AlertKind.NewMessage, f.Maya));

        // A plan step the guardian should acknowledge: guardians only, not the student.
        await using (var db = fixture.OwnerContext())
        {
            await db.Plans.Where(p => p.StudentId == f.Maya).ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, PlanStatus.Submitted));
        }
        await using (var advisor = await fixture.App.ScopeForAsync(Advisor))
        {
            Assert.True((await fixture.Service<PlanEditing>(advisor).ActAsync(f.Maya, PlanAction.Approve, null)).Succeeded);
        }
        Assert.Equal(f.GuardianUserIds.Order(), (await AlertsAsync(AlertKind.PlanNeedsAcknowledgement, f.Maya)).Order());
    }

    [Fact]
    public async Task No_evidence_in_14_days_alerts_once_even_when_two_nodes_sweep_at_the_same_time()
    {
        var f = await FactsAsync();
        await ClearAlertsAsync();
        await using (var db = fixture.OwnerContext())
        {
            var old = FamilyFixture.Monday.AddDays(-20);
            await db.MasteryRollups.Where(r => r.StudentId == f.Maya).ExecuteUpdateAsync(s => s.SetProperty(r => r.LastEvidenceAt, old));
        }
        await using var nodeB = new AppFactory(fixture.Db, settings: Quiet(), clock: new ShiftedTimeProvider(FamilyFixture.Monday));
        var jobsA = fixture.App.Services.GetRequiredService<FamilyAlertJobs>();
        var jobsB = nodeB.Services.GetRequiredService<FamilyAlertJobs>();

        await Task.WhenAll(jobsA.RaiseNoEvidenceAsync(), jobsB.RaiseNoEvidenceAsync(), jobsA.RaiseNoEvidenceAsync());

        Assert.Equal(f.FamilyUserIds.Order(), (await AlertsAsync(AlertKind.NoRecentEvidence, f.Maya)).Order());
        var students = await fixture.QueryAsync<int>("SELECT DISTINCT student_id FROM notifications WHERE kind = 'NoRecentEvidence'");
        Assert.Contains(f.Maya, students);
    }

    [Fact]
    public async Task A_muted_alert_kind_is_not_raised_for_that_guardian()
    {
        var f = await FactsAsync();
        await ClearAlertsAsync();
        await using (var guardian = await fixture.App.ScopeForAsync(Guardian))
        {
            var centre = fixture.Service<NotificationService>(guardian);
            var settings = await centre.SettingsAsync();
            settings.Enabled.Remove(AlertKind.LevelReached);
            Assert.True((await centre.SaveSettingsAsync(settings)).Succeeded);
        }
        try
        {
            await RecordAsync(f, 4m);
            var reached = await AlertsAsync(AlertKind.LevelReached, f.Maya);
            Assert.DoesNotContain(f.ElenaId, reached);
            Assert.Contains(f.MayaUserId, reached);
        }
        finally
        {
            await using var db = fixture.OwnerContext();
            await db.AlertPreferences.Where(p => p.UserId == f.ElenaId).ExecuteDeleteAsync();
        }
    }

    [Fact]
    public async Task The_daily_digest_reaches_the_smtp_sink_once_in_the_guardians_language()
    {
        var f = await FactsAsync();
        await ClearAlertsAsync();
        using var smtp = SimpleSmtpServer.Start(FreePort());
        await using (var db = fixture.OwnerContext())
        {
            db.AlertPreferences.Add(new AlertPreference { UserId = f.ElenaId, Email = AlertEmail.DailyDigest });
            await db.SaveChangesAsync();
        }
        await RecordAsync(f, 4m);
        await using (var advisor = await fixture.App.ScopeForAsync(Advisor))
        {
            Assert.True((await fixture.Service<MessageService>(advisor).PostAsync(f.Maya, f.ElenaId, "Hola")).Succeeded);
        }

        // The next afternoon, two nodes run the digest at once: one email for Elena, in Spanish.
        var nextDay = new ShiftedTimeProvider(FamilyFixture.Monday.AddDays(1).AddHours(5));
        await using var nodeB = new AppFactory(fixture.Db, settings: WithSmtp(smtp), clock: nextDay);
        await using var nodeC = new AppFactory(fixture.Db, settings: WithSmtp(smtp), clock: nextDay);
        var sent = await Task.WhenAll(
            nodeB.Services.GetRequiredService<FamilyAlertJobs>().SendDigestsAsync(),
            nodeC.Services.GetRequiredService<FamilyAlertJobs>().SendDigestsAsync());
        await nodeB.Services.GetRequiredService<FamilyAlertJobs>().SendDigestsAsync();

        var toElena = await WaitForMailAsync(smtp, f.ElenaEmail, 1);
        var mail = Assert.Single(toElena);
        Assert.Contains("resumen de hoy", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("alcanzó", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("Mensaje nuevo de Rosa Alvarez sobre Maya", mail.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("reached", mail.TextBody, StringComparison.Ordinal);
        Assert.Equal("Aprendizaje Cedar Valley: notificaciones de hoy", mail.Subject);
        Assert.Equal(0, (await fixture.QueryAsync<long>(
            "SELECT count(*) FROM notifications WHERE recipient_user_id = @p0 AND emailed_at IS NULL", f.ElenaId)).Single());
        Assert.True(sent.Sum() >= 1);

        await using var cleanup = fixture.OwnerContext();
        await cleanup.AlertPreferences.Where(p => p.UserId == f.ElenaId).ExecuteDeleteAsync();
    }

    [Fact]
    public async Task A_new_message_is_emailed_at_once_and_without_smtp_nothing_fails()
    {
        var f = await FactsAsync();
        await ClearAlertsAsync();
        await using (var guardian = await fixture.App.ScopeForAsync(Guardian))
        {
            // fixture.App has no SMTP host: the alert stays in the notification centre.
            Assert.True((await fixture.Service<MessageService>(guardian).PostAsync(f.Maya, null, "¿Podemos hablar?")).Succeeded);
        }
        Assert.Equal(0, await fixture.App.Services.GetRequiredService<FamilyAlertJobs>().SendImmediateAsync());
        Assert.Equal(0, await fixture.App.Services.GetRequiredService<FamilyAlertJobs>().SendDigestsAsync());
        Assert.Contains(f.AdvisorId, await AlertsAsync(AlertKind.NewMessage, f.Maya));

        using var smtp = SimpleSmtpServer.Start(FreePort());
        await using var mailer = new AppFactory(fixture.Db, settings: WithSmtp(smtp), clock: new ShiftedTimeProvider(FamilyFixture.Monday.AddMinutes(5)));
        var jobs = mailer.Services.GetRequiredService<FamilyAlertJobs>();
        Assert.True(await jobs.SendImmediateAsync() >= 1);
        Assert.Equal(0, await jobs.SendImmediateAsync());
        var toAdvisor = Assert.Single(await WaitForMailAsync(smtp, Advisor, 1));
        Assert.Contains("New message from Elena Ortiz about Maya", toAdvisor.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("¿Podemos hablar?", toAdvisor.TextBody, StringComparison.Ordinal);
    }

    // ---- helpers ----

    private sealed record Facts(
        int Maya, string MayaUserId, int[] ElenasChildren, string ElenaId, string ElenaEmail, string AdvisorId, int OtherFamilyChild,
        string OtherGuardianEmail, string OtherAdvisorEmail, string[] GuardianUserIds, string[] FamilyUserIds,
        int SectionId, int StandardId, string StandardCode);

    private async Task<Facts> FactsAsync()
    {
        await using var db = fixture.OwnerContext();
        string IdOf(string email) => db.Users.Where(u => u.NormalizedEmail == email.ToUpperInvariant()).Select(u => u.Id).Single();
        var elena = IdOf(Guardian);
        var mayaUser = IdOf(StudentEmail);
        var maya = await db.Students.Where(s => s.UserId == mayaUser).Select(s => s.Id).SingleAsync();
        var children = await db.GuardianLinks.Where(g => g.GuardianUserId == elena).Select(g => g.StudentId).ToArrayAsync();
        var guardians = await db.GuardianLinks.Where(g => g.StudentId == maya && !g.CustodyRestricted).Select(g => g.GuardianUserId).ToArrayAsync();
        var other = await db.Students.Where(s => s.Active && !s.GuardianLinks.Any(g => g.GuardianUserId == elena) && s.GuardianLinks.Any())
            .OrderBy(s => s.Id).Select(s => new { s.Id, Guardian = s.GuardianLinks.Select(g => g.GuardianUserId).First() }).FirstAsync();
        var otherGuardianEmail = await db.Users.Where(u => u.Id == other.Guardian).Select(u => u.Email!).SingleAsync();
        var advisorId = IdOf(Advisor);
        var otherAdvisor = await db.Advisories.Where(a => a.Active && a.AdvisorUserId != advisorId)
            .Select(a => db.Users.Where(u => u.Id == a.AdvisorUserId).Select(u => u.Email!).First()).FirstAsync();
        var teacher = IdOf(Teacher);
        var section = await db.Sections.Where(s => s.Active && s.Teachers.Any(t => t.TeacherUserId == teacher)
            && s.Enrollments.Any(e => e.StudentId == maya && e.Active)).Select(s => s.Id).FirstAsync();
        var standard = await db.Standards.Where(s => s.Framework!.Code == "MATH68" && s.ParentId != null)
            .OrderByDescending(s => s.Id).Select(s => new { s.Id, s.Code }).FirstAsync();
        return new Facts(maya, mayaUser, children, elena, Guardian, advisorId, other.Id, otherGuardianEmail, otherAdvisor,
            guardians, [.. guardians, mayaUser], section, standard.Id, standard.Code);
    }

    private async Task RecordAsync(Facts f, decimal score)
    {
        await using (var db = fixture.OwnerContext())
        {
            if (score >= 4m)
            {
                // Start the pair from nothing so the first score is a new level.
                await db.MasteryRollups.Where(r => r.StudentId == f.Maya && r.StandardId == f.StandardId).ExecuteDeleteAsync();
                await db.Evidence.Where(e => e.StudentId == f.Maya && e.StandardId == f.StandardId).ExecuteDeleteAsync();
            }
        }
        await using var scope = await fixture.App.ScopeForAsync(Teacher);
        var result = await fixture.Service<EvidenceService>(scope).RecordForStudentAsync(new StudentEvidence(
            f.Maya, f.StandardId, f.SectionId, score, DateOnly.FromDateTime(FamilyFixture.Monday.UtcDateTime.AddDays(-1)), Guid.NewGuid()));
        Assert.True(result.Succeeded, result.ErrorKey);
    }

    private async Task<List<string>> AlertsAsync(AlertKind kind, int studentId) =>
        await fixture.QueryAsync<string>(
            "SELECT recipient_user_id FROM notifications WHERE kind = @p0 AND student_id = @p1 ORDER BY recipient_user_id", kind.ToString(), studentId);

    private async Task ClearAlertsAsync()
    {
        await using var db = fixture.OwnerContext();
        await db.Notifications.ExecuteDeleteAsync();
    }

    private static Dictionary<string, string?> Quiet() => new()
    {
        ["Email:PollSeconds"] = "0",
        ["Alerts:SweepMinutes"] = "0",
    };

    private static Dictionary<string, string?> WithSmtp(SimpleSmtpServer smtp)
    {
        var settings = Quiet();
        settings["Email:Smtp:Host"] = "127.0.0.1";
        settings["Email:Smtp:Port"] = smtp.Configuration.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Email:Smtp:From"] = "alerts@cedarvalley.example";
        return settings;
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static async Task<List<MimeMessage>> WaitForMailAsync(SimpleSmtpServer smtp, string to, int atLeast)
    {
        for (var i = 0; i < 50; i++)
        {
            var mine = smtp.ReceivedEmail
                .Where(m => m.ToAddresses.Any(a => string.Equals(a.Address, to, StringComparison.OrdinalIgnoreCase)))
                .Select(m => MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(m.Data))))
                .ToList();
            if (mine.Count >= atLeast)
            {
                await Task.Delay(300); // a duplicate would arrive now
                return [.. smtp.ReceivedEmail
                    .Where(m => m.ToAddresses.Any(a => string.Equals(a.Address, to, StringComparison.OrdinalIgnoreCase)))
                    .Select(m => MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(m.Data))))];
            }
            await Task.Delay(100);
        }
        return [];
    }
}
