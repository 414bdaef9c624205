using Npgsql;
using PersonalizedLearning.TestSupport;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Features.Students;

namespace PersonalizedLearning.IntegrationTests;

public class AuditTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task Viewing_a_record_and_a_refused_lookup_each_write_an_audit_row()
    {
        var email = AppFixture.DemoEmail(Roles.Guardian);
        var child = (await fixture.QueryAsync<int>(
            "SELECT student_id FROM guardian_links g JOIN users u ON u.id = g.guardian_user_id WHERE u.normalized_email = upper(@p0) AND NOT g.custody_restricted LIMIT 1", email)).Single();
        var notMine = (await fixture.QueryAsync<int>(
            "SELECT id FROM students WHERE id NOT IN (SELECT student_id FROM guardian_links g JOIN users u ON u.id = g.guardian_user_id WHERE u.normalized_email = upper(@p0)) LIMIT 1", email)).Single();

        await using (var scope = await fixture.App.ScopeForAsync(email))
        {
            var records = fixture.Service<StudentRecordService>(scope);
            await records.GetAsync(child);
            await records.GetAsync(notMine);
        }

        var rows = await WaitForAuditAsync(email, 2);
        Assert.Contains((child, "student-record", "Allowed", "Guardian"), rows);
        Assert.Contains((notMine, "student-record", "Denied", "Guardian"), rows);
    }

    [Fact]
    public async Task The_app_role_can_add_audit_rows_but_never_change_or_delete_them()
    {
        await using var connection = new NpgsqlConnection(fixture.Db.App);
        await connection.OpenAsync();
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO access_audit (at, user_id, role, student_id, action, outcome) VALUES (now(), 'u', 'Teacher', 1, 'test', 'Allowed')", connection))
        {
            Assert.Equal(1, await insert.ExecuteNonQueryAsync());
        }

        foreach (var sql in new[] { "UPDATE access_audit SET outcome = 'Denied'", "DELETE FROM access_audit", "TRUNCATE access_audit" })
        {
            await using var command = new NpgsqlCommand(sql, connection);
            var error = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
        }
    }

    private async Task<List<(int StudentId, string Action, string Outcome, string Role)>> WaitForAuditAsync(string email, int atLeast)
    {
        for (var i = 0; i < 50; i++)
        {
            await using var connection = new NpgsqlConnection(fixture.Db.Owner);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                "SELECT student_id, action, outcome, role FROM access_audit a JOIN users u ON u.id = a.user_id WHERE u.normalized_email = upper(@e)", connection);
            command.Parameters.AddWithValue("e", email);
            var rows = new List<(int, string, string, string)>();
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    rows.Add((reader.GetInt32(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
                }
            }
            if (rows.Count >= atLeast)
            {
                return rows;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("The audit rows were not written within 5 seconds.");
    }
}
