using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using PersonalizedLearning.TestSupport;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Features.Roster;

namespace PersonalizedLearning.IntegrationTests;

/// <summary>OneRoster 1.2 files for the tests: a new middle school next to the demo high school, and one demo student.</summary>
internal static class RosterFiles
{
    public const string Orgs = "orgs.csv";

    public static string[] OrgsCsv =>
    [
        "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId",
        "org-district,active,2026-08-01T00:00:00Z,Cedar Valley School District,district,CV,",
        "sch-cvhs,active,,Cedar Valley High School,school,CVHS,org-district",
        "sch-new,active,,Riverside Middle School,school,RMS,org-district",
        "org-dept,active,,Math Department,department,,sch-new",
    ];

    public static string[] SessionsCsv =>
    [
        "sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear",
        "as-2026,active,,2026–27,schoolYear,2026-08-24,2027-06-11,,2027",
        "as-fall,active,,Fall 2026,term,2026-08-24,2026-12-18,as-2026,2027",
        "as-q1,active,,Quarter 1,gradingPeriod,2026-08-24,2026-10-30,as-fall,2027",
    ];

    public static string[] CoursesCsv =>
    [
        "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId,subjects",
        "crs-alg,active,,as-2026,Algebra I,ALG1,09,sch-cvhs,Math",
        "crs-sci,active,,as-2026,Life Science,SCI7,07,sch-new,Science",
    ];

    public static string[] ClassesCsv =>
    [
        "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects",
        "cls-alg-1,active,,Algebra I - P1,09,crs-alg,ALG1-1,scheduled,101,sch-cvhs,as-fall,Math",
        "cls-sci-1,active,,Life Science - P2,07,crs-sci,SCI7-2,scheduled,12,sch-new,\"as-fall\",Science",
    ];

    public static string[] UsersCsv(string demo) =>
    [
        "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,primaryOrgSourcedId,metadata.ell,metadata.favoriteColor",
        "u-stu-1,active,,true,ana,,Ana,Lopez,,R1001,,,,u-par-1,07,,sch-new,true,blue",
        "u-stu-2,active,,true,ben,,Ben,Kim,,R1002,ben.kim@students.example,,,u-gd-1,07,,sch-new,false,",
        $"{demo},active,,true,,,Renamed,Student,,R1003,,,,,10,,sch-cvhs,,",
        "u-par-1,active,,true,,,Maria,Lopez,,,,,,u-stu-1,,,,,",
        "u-par-2,active,,true,,,Tom,Kim,,,tom.kim@family.example,,,u-stu-2,,,,,",
        "u-gd-1,active,,true,,,Grace,Park,,,,,,,,,,,",
        "u-tch-1,active,,true,,,Tess,Reyes,,,tess.reyes@staff.example,,,,,,sch-new,,",
        "u-prn-1,active,,true,,,Pat,Moreno,,,pat.moreno@staff.example,,,,,,sch-new,,",
        "u-adm-1,active,,true,,,Alex,Chen,,,alex.chen@staff.example,,,,,,org-district,,",
        "u-aide-1,active,,true,,,Ari,Gold,,,,,,,,,sch-new,,",
    ];

    public static string[] RolesCsv(string demo) =>
    [
        "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId",
        "r1,active,,u-stu-1,primary,student,2026-08-24,,sch-new,",
        "r2,active,,u-stu-2,primary,student,,,sch-new,",
        $"r3,active,,{demo},primary,student,,,sch-cvhs,",
        "r4,active,,u-par-1,primary,parent,,,sch-new,",
        "r5,active,,u-par-2,primary,parent,,,sch-new,",
        "r6,active,,u-gd-1,primary,guardian,,,sch-new,",
        "r7,active,,u-tch-1,primary,teacher,,,sch-new,",
        "r8,active,,u-tch-1,secondary,teacher,,,sch-cvhs,",
        "r9,active,,u-prn-1,primary,administrator,,,sch-new,",
        "r10,active,,u-adm-1,primary,administrator,,,org-district,",
        "r11,active,,u-aide-1,primary,aide,,,sch-new,",
    ];

    public static string[] EnrollmentsCsv(string demo) =>
    [
        "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate",
        "e1,active,,cls-sci-1,sch-new,u-stu-1,student,false,2026-08-24,",
        "e2,active,,cls-sci-1,sch-new,u-stu-2,student,false,,",
        "e3,active,,cls-sci-1,sch-new,u-tch-1,teacher,true,,",
        $"e4,active,,cls-alg-1,sch-cvhs,{demo},student,false,,",
        "e5,active,,cls-alg-1,sch-cvhs,u-tch-1,teacher,true,,",
    ];

    public static string[] DemographicsCsv =>
    [
        "sourcedId,status,dateLastModified,birthDate,sex,americanIndianOrAlaskaNative,asian,blackOrAfricanAmerican,nativeHawaiianOrOtherPacificIslander,white,demographicRaceTwoOrMoreRaces,hispanicOrLatinoEthnicity,countryOfBirthCode",
        "u-stu-1,active,,2013-04-02,female,false,false,false,false,true,false,true,US",
        "u-stu-2,active,,2013-05-03,male,false,true,false,false,true,false,false,US",
    ];

    public static RosterZip Bulk(string demo) => new RosterZip()
        .Add(Orgs, OrgsCsv)
        .Add("academicSessions.csv", SessionsCsv)
        .Add("courses.csv", CoursesCsv)
        .Add("classes.csv", ClassesCsv)
        .Add("users.csv", UsersCsv(demo))
        .Add("roles.csv", RolesCsv(demo))
        .Add("enrollments.csv", EnrollmentsCsv(demo))
        .Add("demographics.csv", DemographicsCsv);

    public static async Task<RosterImportResult> ImportAsync(AppFixture fixture, RosterZip zip, string email, Action<OneRosterImportService>? arrange = null, CancellationToken ct = default)
    {
        await using var scope = await fixture.App.ScopeForAsync(email);
        var service = fixture.Service<OneRosterImportService>(scope);
        arrange?.Invoke(service);
        using var stream = zip.Build();
        return await service.ImportAsync(stream, "roster.zip", stream.Length, null, ct);
    }

    /// <summary>A demo student with evidence: the roster keeps them, then a delta removes them.</summary>
    public static async Task<(string SourcedId, int Id)> DemoStudentAsync(AppFixture fixture)
    {
        var ids = await fixture.QueryAsync<int>("SELECT s.id FROM students s WHERE EXISTS (SELECT 1 FROM evidence e WHERE e.student_id = s.id) AND s.school_id = (SELECT id FROM schools WHERE sourced_id = 'sch-cvhs') ORDER BY s.id LIMIT 1");
        var sourced = await fixture.QueryAsync<string>("SELECT sourced_id FROM students WHERE id = @p0", ids[0]);
        return (sourced[0], ids[0]);
    }
}

public class OneRosterBulkAndDeltaTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static readonly string Admin = AppFixture.DemoEmail(Roles.DistrictAdmin);

    private static RosterEntitySummary Of(RosterImportResult result, string entity) => result.Summary.Single(s => s.Entity == entity);

    [Fact]
    public async Task A_bulk_file_provisions_the_district_a_reimport_changes_nothing_and_a_delta_applies_only_its_changes()
    {
        var (demo, demoId) = await RosterFiles.DemoStudentAsync(fixture);
        var evidenceBefore = (await fixture.QueryAsync<long>("SELECT count(*) FROM evidence WHERE student_id = @p0", demoId))[0];
        var demoStudentsBefore = (await fixture.QueryAsync<long>("SELECT count(*) FROM students WHERE active"))[0];

        // Bulk: created / updated / deactivated per entity.
        var bulk = await RosterFiles.ImportAsync(fixture, RosterFiles.Bulk(demo), Admin);
        Assert.True(bulk.Applied, string.Join("; ", bulk.Problems.Select(p => $"{p.File}:{p.Line}:{p.Column} {p.Key} {string.Join(',', p.Arguments)}")));
        Assert.Equal("bulk", bulk.Mode);
        Assert.Equal(1, Of(bulk, "Schools").Created);
        Assert.Equal(1, Of(bulk, "Schools").Deactivated); // the demo middle school is not in the file
        Assert.Equal(1, Of(bulk, "Schools").Skipped);     // the department
        Assert.Equal(2, Of(bulk, "Students").Created);
        Assert.Equal(1, Of(bulk, "Students").Updated);
        Assert.Equal(demoStudentsBefore - 1, Of(bulk, "Students").Deactivated);
        Assert.Equal(7, Of(bulk, "Accounts").Created);
        Assert.Equal(1, Of(bulk, "Accounts").Skipped);    // the aide
        Assert.Equal(3, Of(bulk, "GuardianLinks").Created);
        Assert.Equal(2, Of(bulk, "Sections").Created);
        Assert.Equal(2, Of(bulk, "SectionTeachers").Created);
        Assert.Equal(3, Of(bulk, "Enrollments").Created);
        Assert.Equal(1, Of(bulk, "Terms").Skipped);       // the grading period
        Assert.Equal(3, (await fixture.QueryAsync<long>("SELECT count(*) FROM students WHERE active"))[0]);

        // Guardian links both directions: a parent listing the student, a student listing the guardian.
        var links = await fixture.QueryAsync<string>("""
            SELECT u.sourced_id || '>' || s.sourced_id || ':' || g.relationship FROM guardian_links g
            JOIN users u ON u.id = g.guardian_user_id JOIN students s ON s.id = g.student_id
            WHERE s.sourced_id LIKE 'u-stu-%' ORDER BY 1
            """);
        Assert.Equal(["u-gd-1>u-stu-2:Guardian", "u-par-1>u-stu-1:Parent", "u-par-2>u-stu-2:Parent"], links);

        // Roles: administrator at a school is a principal, at the district a district admin; the aide has no account.
        var roles = await fixture.QueryAsync<string>("""
            SELECT u.sourced_id || ':' || r.name FROM users u JOIN user_roles ur ON ur.user_id = u.id JOIN roles r ON r.id = ur.role_id
            WHERE u.sourced_id IN ('u-tch-1', 'u-prn-1', 'u-adm-1', 'u-stu-2', 'u-aide-1') ORDER BY 1
            """);
        Assert.Equal(["u-adm-1:DistrictAdmin", "u-prn-1:Principal", "u-stu-2:Student", "u-tch-1:Teacher"], roles);
        Assert.Equal(["sch-new"], await fixture.QueryAsync<string>("SELECT s.sourced_id FROM users u JOIN schools s ON s.id = u.school_id WHERE u.sourced_id = 'u-prn-1'"));

        // Sections with their course, year, teacher and students.
        var sections = await fixture.QueryAsync<string>("""
            SELECT sec.sourced_id || '|' || sec.course_name || '|' || sec.name || '|' || y.name || '|' ||
                   (SELECT string_agg(u.sourced_id, ',') FROM section_teachers t JOIN users u ON u.id = t.teacher_user_id WHERE t.section_id = sec.id) || '|' ||
                   (SELECT count(*) FROM enrollments e WHERE e.section_id = sec.id AND e.active)
            FROM sections sec JOIN school_years y ON y.id = sec.school_year_id WHERE sec.active ORDER BY 1
            """);
        Assert.Equal(2, sections.Count);
        Assert.StartsWith("cls-alg-1|Algebra I|Algebra I - P1|", sections[0], StringComparison.Ordinal);
        Assert.EndsWith("|u-tch-1|1", sections[0], StringComparison.Ordinal);
        Assert.EndsWith("|u-tch-1|2", sections[1], StringComparison.Ordinal);

        // Demographics → reporting groups (Hispanic wins; two races → two or more; metadata.ell).
        var groups = await fixture.QueryAsync<string>("SELECT sourced_id || ':' || sex || ':' || race_ethnicity || ':' || english_learner || ':' || grade_level FROM students WHERE sourced_id LIKE 'u-stu-%' ORDER BY 1");
        Assert.Equal(["u-stu-1:Female:HispanicOrLatino:true:7", "u-stu-2:Male:TwoOrMoreRaces:false:7"], groups);

        // Guardians without an email get a printable code; the demo student keeps their account, now renamed.
        Assert.Equal(["Grace Park", "Maria Lopez"], bulk.Invitations.Select(i => i.GuardianName).Order());
        Assert.Equal("Ana Lopez", bulk.Invitations.Single(i => i.GuardianName == "Maria Lopez").Students);
        Assert.Equal(2, (await fixture.QueryAsync<long>("SELECT count(*) FROM guardian_invitations WHERE redeemed_at IS NULL"))[0]);
        foreach (var invitation in bulk.Invitations)
        {
            Assert.Equal([0L], await fixture.QueryAsync<long>("SELECT count(*) FROM guardian_invitations WHERE code_hash = @p0", invitation.Code));
            Assert.Equal([1L], await fixture.QueryAsync<long>("SELECT count(*) FROM guardian_invitations WHERE code_hash = @p0", GuardianInvitations.Hash(invitation.Code)));
        }

        // The importing admin is not in the file but keeps their account.
        Assert.Equal([true], await fixture.QueryAsync<bool>("SELECT active FROM users WHERE normalized_email = upper(@p0)", Admin));

        // Re-import: nothing changes.
        var again = await RosterFiles.ImportAsync(fixture, RosterFiles.Bulk(demo), Admin);
        Assert.True(again.Applied);
        Assert.True(again.NothingChanged, string.Join("; ", again.Summary.Select(s => $"{s.Entity} +{s.Created} ~{s.Updated} -{s.Deactivated}")));
        Assert.Equal(3, Of(again, "Students").Unchanged);
        Assert.Empty(again.Invitations);

        // Delta: one update, one tobedeleted → inactive, one enrollment ended; nothing else touched.
        var delta = new RosterZip { Mode = "delta" }
            .Add("users.csv",
                "sourcedId,status,dateLastModified,enabledUser,givenName,familyName,identifier,email,grades",
                "u-stu-2,active,2026-11-01T10:00:00Z,true,Ben,Kim-Park,R1002,ben.kim@students.example,07",
                $"{demo},tobedeleted,2026-11-01T10:00:00Z,true,Renamed,Student,R1003,,10")
            .Add("enrollments.csv",
                "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role",
                "e2,tobedeleted,2026-11-01T10:00:00Z,cls-sci-1,sch-new,u-stu-2,student");
        var applied = await RosterFiles.ImportAsync(fixture, delta, Admin);
        Assert.True(applied.Applied, string.Join("; ", applied.Problems.Select(p => $"{p.File}:{p.Line}:{p.Column} {p.Key}")));
        Assert.Equal("delta", applied.Mode);
        Assert.Equal(1, Of(applied, "Students").Updated);
        Assert.Equal(1, Of(applied, "Students").Deactivated);
        Assert.Equal(1, Of(applied, "Enrollments").Deactivated);
        Assert.Equal(0, Of(applied, "Sections").Deactivated);
        Assert.Equal(["Kim-Park"], await fixture.QueryAsync<string>("SELECT last_name FROM students WHERE sourced_id = 'u-stu-2'"));
        Assert.Equal([false], await fixture.QueryAsync<bool>("SELECT active FROM students WHERE id = @p0", demoId));
        Assert.Equal([true], await fixture.QueryAsync<bool>("SELECT active FROM students WHERE sourced_id = 'u-stu-1'"));
        Assert.Equal(evidenceBefore, (await fixture.QueryAsync<long>("SELECT count(*) FROM evidence WHERE student_id = @p0", demoId))[0]);
        Assert.Equal([1L], await fixture.QueryAsync<long>("SELECT count(*) FROM enrollments e JOIN sections s ON s.id = e.section_id WHERE s.sourced_id = 'cls-sci-1' AND e.active"));

        // Every attempt is in the history, newest first, with its summary.
        await using var scope = await fixture.App.ScopeForAsync(Admin);
        var history = await fixture.Service<OneRosterImportService>(scope).HistoryAsync();
        Assert.Equal(["delta", "bulk", "bulk"], history.Take(3).Select(h => h.Mode));
        Assert.All(history.Take(3), h => Assert.Equal(RosterImportOutcome.Applied, h.Outcome));
        Assert.Equal(2, history[2].Summary.Single(s => s.Entity == "Students").Created);
        // Changed student records are audited.
        Assert.True((await fixture.QueryAsync<long>("SELECT count(*) FROM access_audit WHERE action = 'roster.import' AND student_id = @p0", demoId))[0] >= 2);
    }
}

public class OneRosterAccountTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static readonly string Admin = AppFixture.DemoEmail(Roles.DistrictAdmin);

    [Fact]
    public async Task New_accounts_cannot_sign_in_until_a_guardian_redeems_the_invitation_code()
    {
        var (demo, _) = await RosterFiles.DemoStudentAsync(fixture);
        var result = await RosterFiles.ImportAsync(fixture, RosterFiles.Bulk(demo), Admin);
        Assert.True(result.Applied);
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var signIn = scope.ServiceProvider.GetRequiredService<SignInManager<AppUser>>();
        var teacher = (await users.FindByEmailAsync("tess.reyes@staff.example"))!;
        Assert.False(await users.HasPasswordAsync(teacher));
        Assert.False((await signIn.CheckPasswordSignInAsync(teacher, "", false)).Succeeded);
        Assert.False((await signIn.CheckPasswordSignInAsync(teacher, "any-password-at-all", false)).Succeeded);

        // A fresh code only exists on the first import of this class's database; otherwise issue one for the test.
        var code = result.Invitations.FirstOrDefault(i => i.SourcedId == "u-gd-1")?.Code;
        if (code is null)
        {
            code = GuardianInvitations.NewCode();
            await fixture.QueryAsync<int>("""
                INSERT INTO guardian_invitations (user_id, code_hash, created_at, expires_at)
                SELECT id, @p0, now(), now() + interval '1 day' FROM users WHERE sourced_id = 'u-gd-1' AND password_hash IS NULL RETURNING 1
                """, GuardianInvitations.Hash(code));
        }
        var invitations = scope.ServiceProvider.GetRequiredService<GuardianInvitations>();
        Assert.Equal("Redeem.BadCode", (await invitations.RedeemAsync(new RedeemForm { Code = "AAAA-BBBB-CCCC", Email = "grace@family.example", Password = "a-long-password-1", ConfirmPassword = "a-long-password-1" })).ErrorKey);
        Assert.Equal("Redeem.WeakPassword", (await invitations.RedeemAsync(new RedeemForm { Code = code, Email = "grace@family.example", Password = "short", ConfirmPassword = "short" })).ErrorKey);
        Assert.Equal("Redeem.EmailTaken", (await invitations.RedeemAsync(new RedeemForm { Code = code, Email = "tess.reyes@staff.example", Password = "a-long-password-1", ConfirmPassword = "a-long-password-1" })).ErrorKey);
        var ok = await invitations.RedeemAsync(new RedeemForm { Code = code.ToLowerInvariant().Replace("-", " ", StringComparison.Ordinal), Email = "grace@family.example", Password = "a-long-password-1", ConfirmPassword = "a-long-password-1" });
        Assert.True(ok.Succeeded, ok.ErrorKey);

        await using var check = fixture.App.Services.CreateAsyncScope();
        var guardian = (await check.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByEmailAsync("grace@family.example"))!;
        Assert.Equal("u-gd-1", guardian.SourcedId);
        Assert.True((await check.ServiceProvider.GetRequiredService<SignInManager<AppUser>>().CheckPasswordSignInAsync(guardian, "a-long-password-1", false)).Succeeded);
        // A code works once.
        var again = await check.ServiceProvider.GetRequiredService<GuardianInvitations>().RedeemAsync(new RedeemForm { Code = code, Email = "other@family.example", Password = "a-long-password-2", ConfirmPassword = "a-long-password-2" });
        Assert.Equal("Redeem.BadCode", again.ErrorKey);
    }
}

public class OneRoster11Tests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task A_one_point_one_zip_with_the_role_in_users_csv_is_imported()
    {
        var zip = new RosterZip { Version = "1.1" }
            .Add("orgs.csv", RosterFiles.OrgsCsv)
            .Add("academicSessions.csv", RosterFiles.SessionsCsv)
            .Add("courses.csv", RosterFiles.CoursesCsv)
            .Add("classes.csv", RosterFiles.ClassesCsv)
            .Add("users.csv",
                "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password",
                "v-stu-1,active,,true,sch-new,student,,,Lia,Ward,,V100,,,,v-par-1,08,",
                "v-par-1,active,,true,sch-new,parent,,,Sam,Ward,,,sam.ward@family.example,,,,,",
                "v-tch-1,active,,true,\"sch-new,sch-cvhs\",teacher,,,Jo,Ray,,,jo.ray@staff.example,,,,,")
            .Add("enrollments.csv",
                "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate",
                "e1,active,,cls-sci-1,sch-new,v-stu-1,student,false,,",
                "e2,active,,cls-sci-1,sch-new,v-tch-1,teacher,true,,");

        var result = await RosterFiles.ImportAsync(fixture, zip, AppFixture.DemoEmail(Roles.DistrictAdmin));

        Assert.True(result.Applied, string.Join("; ", result.Problems.Select(p => $"{p.File}:{p.Line}:{p.Column} {p.Key}")));
        Assert.Equal(1, result.Summary.Single(s => s.Entity == "Students").Created);
        Assert.Equal(["v-par-1>v-stu-1:Parent"], await fixture.QueryAsync<string>(
            "SELECT u.sourced_id || '>' || s.sourced_id || ':' || g.relationship FROM guardian_links g JOIN users u ON u.id = g.guardian_user_id JOIN students s ON s.id = g.student_id WHERE s.sourced_id = 'v-stu-1'"));
        Assert.Equal(["sch-new:8"], await fixture.QueryAsync<string>("SELECT sc.sourced_id || ':' || s.grade_level FROM students s JOIN schools sc ON sc.id = s.school_id WHERE s.sourced_id = 'v-stu-1'"));
        Assert.Equal(["v-tch-1:Teacher"], await fixture.QueryAsync<string>("SELECT u.sourced_id || ':' || r.name FROM users u JOIN user_roles ur ON ur.user_id = u.id JOIN roles r ON r.id = ur.role_id WHERE u.sourced_id = 'v-tch-1'"));
    }
}

public class OneRosterRefusalTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private static readonly string Admin = AppFixture.DemoEmail(Roles.DistrictAdmin);

    private async Task<long> FingerprintAsync() => (await fixture.QueryAsync<long>("""
        SELECT (SELECT count(*) FROM students WHERE active) * 1000000 + (SELECT count(*) FROM users WHERE active) * 1000
             + (SELECT count(*) FROM sections WHERE active) + (SELECT count(*) FROM enrollments WHERE active) * 7
             + (SELECT count(*) FROM schools) * 13 + (SELECT count(*) FROM guardian_links) * 17
             + (SELECT count(*) FROM students WHERE sex IS NOT NULL) * 19
        """))[0];

    [Fact]
    public async Task Every_row_problem_is_reported_with_file_line_and_column_and_nothing_is_applied()
    {
        var (demo, _) = await RosterFiles.DemoStudentAsync(fixture);
        var before = await FingerprintAsync();
        var users = RosterFiles.UsersCsv(demo).ToList();
        users.Add("u-stu-1,active,,true,dup,,Dup,Licate,,R9999,,,,,07,,sch-new,,");           // line 12: duplicate sourcedId
        users.Add("u-x-1,active,yesterday,true,,,Bad,Date,,,,,,,,,sch-new,,");                   // line 13: bad date
        var roles = RosterFiles.RolesCsv(demo).ToList();
        roles.Add("r12,active,,u-x-1,primary,wizard,,,sch-new,");                                // line 13: unknown role
        roles.Add("r13,active,,u-gd-1,secondary,guardian,,,sch-nowhere,");                       // line 14: unknown org
        var enrollments = RosterFiles.EnrollmentsCsv(demo).ToList();
        enrollments.Add("e6,active,,cls-missing,sch-new,u-stu-1,student,false,,");               // line 7: unknown class
        var zip = new RosterZip()
            .Add("orgs.csv", RosterFiles.OrgsCsv)
            .Add("academicSessions.csv", RosterFiles.SessionsCsv)
            .Add("courses.csv", RosterFiles.CoursesCsv)
            .Add("classes.csv", RosterFiles.ClassesCsv)
            .Add("users.csv", [.. users])
            .Add("roles.csv", [.. roles])
            .Add("enrollments.csv", [.. enrollments])
            .Add("demographics.csv", [.. RosterFiles.DemographicsCsv, "u-stu-2,active,,2013-13-45,male,,,,,,,,US"]); // line 4 duplicate + bad date

        var result = await RosterFiles.ImportAsync(fixture, zip, Admin);

        Assert.Equal(RosterImportOutcome.Rejected, result.Outcome);
        var found = result.Problems.Select(p => $"{p.File}:{p.Line}:{p.Column}:{p.Key}").ToList();
        Assert.Contains("users.csv:12:sourcedId:Roster.Problem.DuplicateId", found);
        Assert.Contains("users.csv:13:dateLastModified:Roster.Problem.BadDate", found);
        Assert.Contains("roles.csv:13:role:Roster.Problem.UnknownRole", found);
        Assert.Contains("roles.csv:14:orgSourcedId:Roster.Problem.UnknownOrg", found);
        Assert.Contains("enrollments.csv:7:classSourcedId:Roster.Problem.UnknownClass", found);
        Assert.Contains("demographics.csv:4:sourcedId:Roster.Problem.DuplicateId", found);
        Assert.Equal(before, await FingerprintAsync());
        Assert.Empty(await fixture.QueryAsync<string>("SELECT sourced_id FROM schools WHERE sourced_id = 'sch-new'"));
    }

    [Fact]
    public async Task A_missing_required_column_or_file_is_reported_and_nothing_is_applied()
    {
        var before = await FingerprintAsync();
        var zip = new RosterZip()
            .Add("orgs.csv", "sourcedId,status,dateLastModified,title,type", "sch-new,active,,Riverside,school")
            .Add("users.csv", "sourcedId,givenName,familyName,role", "u1,A,B,student");
        var result = await RosterFiles.ImportAsync(fixture, zip, Admin);
        Assert.Equal(RosterImportOutcome.Rejected, result.Outcome);
        Assert.Contains(result.Problems, p => p is { File: "orgs.csv", Line: 1, Column: "name", Key: "Roster.Problem.MissingColumn" });

        var noManifest = await RosterFiles.ImportAsync(fixture, new RosterZip { WithManifest = false }.Add("orgs.csv", RosterFiles.OrgsCsv), Admin);
        Assert.Contains(noManifest.Problems, p => p is { File: "manifest.csv", Key: "Roster.Problem.MissingFile" });

        await using (var scope = await fixture.App.ScopeForAsync(Admin))
        {
            using var notZip = new MemoryStream("sourcedId,name\n"u8.ToArray());
            var result2 = await fixture.Service<OneRosterImportService>(scope).ImportAsync(notZip, "users.csv", notZip.Length);
            Assert.Contains(result2.Problems, p => p.Key == "Roster.Problem.NotAZip");
        }
        Assert.Equal(before, await FingerprintAsync());
    }

    [Fact]
    public async Task Size_and_row_limits_are_refused_with_a_clear_message()
    {
        await using var app = new AppFactory(fixture.Db, settings: new Dictionary<string, string?>
        {
            ["RosterImport:MaxRows"] = "3",
        });
        await using (var scope = await app.ScopeForAsync(Admin))
        {
            var service = scope.ServiceProvider.GetRequiredService<OneRosterImportService>();
            using var big = new MemoryStream();
            var tooLarge = await service.ImportAsync(big, "huge.zip", 60L * 1024 * 1024);
            var problem = Assert.Single(tooLarge.Problems);
            Assert.Equal("Roster.Problem.TooLarge", problem.Key);
            Assert.Equal(["60", "50"], problem.Arguments);

            var (demo, _) = await RosterFiles.DemoStudentAsync(fixture);
            using var rows = RosterFiles.Bulk(demo).Build();
            var tooMany = await service.ImportAsync(rows, "roster.zip", rows.Length);
            Assert.Contains(tooMany.Problems, p => p is { File: "orgs.csv", Line: 5, Key: "Roster.Problem.TooManyRows" } && p.Arguments[0] == "3");
            Assert.Equal(RosterImportOutcome.Rejected, tooMany.Outcome);
        }
    }

    [Fact]
    public async Task A_non_admin_cannot_import()
    {
        var before = await FingerprintAsync();
        var (demo, _) = await RosterFiles.DemoStudentAsync(fixture);
        foreach (var role in new[] { Roles.Principal, Roles.Teacher, Roles.Guardian, Roles.Student })
        {
            var result = await RosterFiles.ImportAsync(fixture, RosterFiles.Bulk(demo), AppFixture.DemoEmail(role));
            Assert.Equal(RosterImportOutcome.Rejected, result.Outcome);
            Assert.Equal("Roster.Problem.NotAllowed", Assert.Single(result.Problems).Key);
        }
        Assert.Equal(before, await FingerprintAsync());
        await using var scope = await fixture.App.ScopeForAsync(AppFixture.DemoEmail(Roles.Principal));
        Assert.Empty(await fixture.Service<OneRosterImportService>(scope).HistoryAsync());
    }

    [Theory]
    [InlineData("students", false)]
    [InlineData("sections", true)]
    public async Task An_import_that_fails_or_is_cancelled_midway_leaves_nothing_half_applied(string step, bool cancel)
    {
        var (demo, _) = await RosterFiles.DemoStudentAsync(fixture);
        var before = await FingerprintAsync();
        using var cts = new CancellationTokenSource();
        var result = await RosterFiles.ImportAsync(fixture, RosterFiles.Bulk(demo), Admin, service => service.AfterApplyStep = name =>
        {
            if (name == step)
            {
                if (cancel)
                {
                    cts.Cancel();
                    return Task.CompletedTask;
                }
                throw new InvalidOperationException("forced failure inside the transaction");
            }
            return Task.CompletedTask;
        }, cts.Token);

        Assert.Equal(RosterImportOutcome.Failed, result.Outcome);
        Assert.Equal(cancel ? "Roster.Problem.Cancelled" : "Roster.Problem.ApplyFailed", Assert.Single(result.Problems).Key);
        Assert.Equal(before, await FingerprintAsync());
        Assert.Empty(await fixture.QueryAsync<string>("SELECT sourced_id FROM users WHERE sourced_id = 'u-tch-1'"));
        Assert.Equal(0L, (await fixture.QueryAsync<long>("SELECT count(*) FROM guardian_invitations"))[0]);
    }
}
