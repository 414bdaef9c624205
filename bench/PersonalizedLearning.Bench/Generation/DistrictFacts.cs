using Npgsql;

namespace PersonalizedLearning.Bench.Generation;

/// <summary>
/// What the scenarios need to know about the generated district, read back from the database (so a run with
/// --skip-generate works on an already loaded database).
/// </summary>
public sealed record DistrictFacts(
    long Students,
    long Evidence,
    long Rollups,
    int GridSectionId,
    string GridTeacherEmail,
    int BigSchoolId,
    string PrincipalEmail,
    string WriterTeacherEmailPrefix)
{
    public const string Password = "Bench-Passw0rd!";
    public const string GridTeacherEmail0 = "grid.teacher@bench.example";
    public const string PrincipalEmail0 = "principal.1@bench.example";
    public const string AdminEmail = "admin@bench.example";

    public static async Task<DistrictFacts> LoadAsync(string ownerConnection, CancellationToken ct)
    {
        await using var c = new NpgsqlConnection(ownerConnection);
        await c.OpenAsync(ct);
        async Task<long> Scalar(string sql)
        {
            await using var cmd = new NpgsqlCommand(sql, c);
            return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct) ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
        }
        var students = await Scalar("SELECT count(*) FROM students");
        var evidence = await Scalar("SELECT count(*) FROM evidence");
        var rollups = await Scalar("SELECT count(*) FROM mastery_rollups");
        var section = await Scalar($"""
            SELECT st.section_id FROM section_teachers st JOIN users u ON u.id = st.teacher_user_id
            WHERE u.normalized_email = upper('{GridTeacherEmail0}') ORDER BY st.section_id LIMIT 1
            """);
        var school = await Scalar($"SELECT coalesce(school_id, 0) FROM users WHERE normalized_email = upper('{PrincipalEmail0}')");
        return new DistrictFacts(students, evidence, rollups, (int)section, GridTeacherEmail0, (int)school, PrincipalEmail0, "teacher.");
    }
}
