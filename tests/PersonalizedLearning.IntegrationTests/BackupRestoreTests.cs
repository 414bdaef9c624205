using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;
using PersonalizedLearning.TestSupport;
using PersonalizedLearning.Web.Data.Seeding;
using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.IntegrationTests;

/// <summary>
/// The documented backup and restore commands (scripts/backup.sh, scripts/restore.sh) against the real PostgreSQL:
/// a restored database holds the same rows and grants, and the app serves it to a signed-in user as before.
/// </summary>
public partial class BackupRestoreTests : IAsyncLifetime
{
    private TestDb source = null!;
    private string restoredName = "";
    private readonly string folder = Directory.CreateTempSubdirectory("pl-backup-").FullName;

    public async Task InitializeAsync()
    {
        source = await TestDatabase.CreateAsync();
        restoredName = $"pl_test_restored_{Guid.NewGuid():N}"[..30];
    }

    public async Task DisposeAsync()
    {
        await TestDatabase.DropAsync(restoredName);
        await TestDatabase.DropAsync(source.Name);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task A_backup_restored_into_a_fresh_database_serves_the_same_student_and_plan_to_a_signed_in_user()
    {
        var maya = await ScalarAsync<int>(source.Owner,
            "SELECT id FROM students WHERE user_id = (SELECT id FROM users WHERE normalized_email = upper(@p0))",
            AppFixture.DemoEmail(Roles.Student));
        var aspiration = $"Restored aspiration {Guid.NewGuid():N}";
        await ScalarAsync<int>(source.Owner, "UPDATE learning_plans SET aspirations = @p0 WHERE student_id = @p1 RETURNING 1", aspiration, maya);

        var dump = Path.Combine(folder, "district.dump");
        await RunAsync("backup.sh", source.Name, dump);
        Assert.True(File.Exists(dump));
        var restoreOutput = await RunAsync("restore.sh", dump, restoredName);
        Assert.Contains($"into {restoredName}", restoreOutput, StringComparison.Ordinal);

        // Every table holds the same number of rows.
        var restored = source with
        {
            Owner = WithDatabase(source.Owner, restoredName),
            App = WithDatabase(source.App, restoredName),
            Name = restoredName,
        };
        var before = await RowCountsAsync(source.Owner);
        var after = await RowCountsAsync(restored.Owner);
        Assert.True(before.Count > 30, "the schema came back");
        Assert.Equal(before, after);
        Assert.True(before["students"] > 500);

        // The app role's rights came back too: it reads students and may not rewrite the audit.
        Assert.True(await ScalarAsync<bool>(restored.Owner, "SELECT has_table_privilege(@p0, 'students', 'SELECT')", TestDatabase.AppRole));
        Assert.False(await ScalarAsync<bool>(restored.Owner, "SELECT has_table_privilege(@p0, 'access_audit', 'UPDATE')", TestDatabase.AppRole));

        // The app (as the app role, no migration) serves the restored database: the student signs in and sees the
        // plan; her advisor opens her record.
        await using var app = new AppFactory(restored);
        using var student = Client(app);
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(student, AppFixture.DemoEmail(Roles.Student))).StatusCode);
        var plan = await student.GetAsync("/student/plan");
        Assert.Equal(HttpStatusCode.OK, plan.StatusCode);
        Assert.Contains(aspiration, await plan.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var advisor = Client(app);
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(advisor, AppFixture.DemoEmail(Roles.Advisor))).StatusCode);
        var record = await advisor.GetAsync($"/students/{maya}");
        Assert.Equal(HttpStatusCode.OK, record.StatusCode);
        Assert.Contains("Maya Ortiz", await record.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_restore_never_overwrites_an_existing_database()
    {
        var dump = Path.Combine(folder, "district.dump");
        await RunAsync("backup.sh", source.Name, dump);
        var refused = await RunAsync("restore.sh", dump, source.Name, expectSuccess: false);
        Assert.Contains("already exists", refused, StringComparison.Ordinal);
    }

    /// <summary>Runs scripts/NAME with the test server in the libpq environment; returns stdout and stderr.</summary>
    private async Task<string> RunAsync(string script, string first, string second, bool expectSuccess = true)
    {
        var server = new NpgsqlConnectionStringBuilder(source.Owner);
        var start = new ProcessStartInfo("bash")
        {
            ArgumentList = { Path.Combine(RepositoryRoot(), "scripts", script), first, second },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["PGHOST"] = server.Host,
                ["PGPORT"] = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["PGUSER"] = server.Username,
                ["PGPASSWORD"] = server.Password ?? "",
            },
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        var output = await stdout + await stderr;
        Assert.True((process.ExitCode == 0) == expectSuccess, $"{script} exited with {process.ExitCode}:\n{output}");
        return output;
    }

    private static async Task<Dictionary<string, long>> RowCountsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }
        var counts = new Dictionary<string, long>();
        foreach (var table in tables)
        {
            // Table names come from the catalog and are quoted as identifiers.
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM public.\"{table}\"", connection);
            counts[table] = (long)(await count.ExecuteScalarAsync())!;
        }
        return counts;
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (value, i) in parameters.Select((v, i) => (v, i)))
        {
            command.Parameters.AddWithValue($"p{i}", value);
        }
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static string WithDatabase(string connectionString, string database) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Database = database }.ConnectionString;

    private static HttpClient Client(AppFactory app) =>
        app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string email)
    {
        var form = await client.GetStringAsync("/Account/Login");
        var token = AntiforgeryToken().Match(form).Groups[1].Value;
        return await client.PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = token,
            ["Input.Email"] = email,
            ["Input.Password"] = DemoDistrict.Password,
        }));
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PersonalizedLearning.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("Cannot find the repository root");
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
