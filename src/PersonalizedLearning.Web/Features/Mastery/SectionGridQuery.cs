using Npgsql;
using NpgsqlTypes;
using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.Web.Features.Mastery;

/// <summary>
/// The section grid's data in ONE round trip: a prepared batch of eight statements (section, frameworks, levels,
/// standards, roster, cells, school year, closures) read straight into the grid's records, without EF
/// materialization. Every statement starts from the same access rule, written as a join on the teacher's section:
/// the section is active and the viewer is on its <c>section_teachers</c>; the roster is its active enrollments of
/// active students. That is exactly the teacher branch of <see cref="Infrastructure.StudentAccess.VisibleTo"/>
/// restricted to this section (a teacher sees a student enrolled in one of their own active sections), so a teacher
/// not on the section gets no row from any statement. The framework shown is chosen in SQL as the app always chose
/// it: the requested one when it belongs to the section's district, else that of the section's latest evidence, else
/// the district's first by name.
/// </summary>
internal static class SectionGridQuery
{
    // The access rule and the chosen framework, repeated at the head of each statement that needs them (each is a
    // primary-key or index lookup; the batch is prepared once per physical connection).
    private const string Section = """
        sec AS (
            SELECT s.id, s.name, s.course_name, s.school_id, sc.district_id
            FROM sections s JOIN schools sc ON sc.id = s.school_id
            WHERE s.id = $1 AND s.active
              AND EXISTS (SELECT 1 FROM section_teachers t WHERE t.section_id = s.id AND t.teacher_user_id = $2))
        """;

    // MATERIALIZED: the choice is computed once per statement. Inlined, the planner evaluated the COALESCE as a join
    // filter on every standard of the district (300 evidence probes, about 1,500 buffers, for the standards
    // statement alone; measured with pg_stat_statements in bench scenario 3).
    private const string Chosen = """
        fw AS MATERIALIZED (
            SELECT COALESCE(
                (SELECT f.id FROM competency_frameworks f WHERE f.id = $3 AND f.district_id = sec.district_id),
                (SELECT st.framework_id FROM evidence e JOIN standards st ON st.id = e.standard_id
                 WHERE e.section_id = sec.id ORDER BY e.recorded_at DESC LIMIT 1),
                (SELECT f.id FROM competency_frameworks f WHERE f.district_id = sec.district_id ORDER BY f.name, f.id LIMIT 1)) AS id
            FROM sec)
        """;

    private static readonly string[] Statements =
    [
        $"WITH {Section}, {Chosen} SELECT sec.id, sec.name, sec.course_name, sec.school_id, fw.id FROM sec, fw",
        $"WITH {Section} SELECT f.id, f.name FROM competency_frameworks f JOIN sec ON f.district_id = sec.district_id ORDER BY f.name, f.id",
        $"WITH {Section}, {Chosen} SELECT l.points, l.name, l.color, l.is_mastery FROM mastery_levels l JOIN fw ON l.framework_id = fw.id ORDER BY l.points",
        $"WITH {Section}, {Chosen} SELECT s.id, s.code, s.statement, s.parent_id FROM standards s JOIN fw ON s.framework_id = fw.id ORDER BY s.sort_order, s.id",
        $"""
        WITH {Section}
        SELECT st.id, st.first_name || ' ' || st.last_name
        FROM sec JOIN enrollments e ON e.section_id = sec.id AND e.active
        JOIN students st ON st.id = e.student_id AND st.active
        ORDER BY st.last_name, st.first_name, st.id
        """,
        $"""
        WITH {Section}, {Chosen}
        SELECT r.student_id, r.standard_id, r.score, r.at_mastery, r.evidence_count, r.last_evidence_at
        FROM sec JOIN enrollments e ON e.section_id = sec.id AND e.active
        JOIN students st ON st.id = e.student_id AND st.active
        JOIN mastery_rollups r ON r.student_id = e.student_id
        JOIN standards s ON s.id = r.standard_id
        JOIN fw ON s.framework_id = fw.id
        """,
        // The school year containing today (or the latest that started before it) and its closures for the section's
        // school: the calendar "needs attention" counts school days with (as DistrictClock reads them).
        "SELECT y.starts_on, y.ends_on FROM school_years y WHERE y.starts_on <= $1 ORDER BY y.starts_on DESC LIMIT 1",
        $"""
        WITH {Section},
        y AS (SELECT y.starts_on, y.ends_on FROM school_years y WHERE y.starts_on <= $3 ORDER BY y.starts_on DESC LIMIT 1)
        SELECT c.starts_on, c.ends_on FROM calendar_entries c, sec, y
        WHERE (c.school_id IS NULL OR c.school_id = sec.school_id) AND c.ends_on >= y.starts_on AND c.starts_on <= y.ends_on
        """,
    ];

    /// <summary>What one round trip returns; <see cref="Found"/> is false when the section is not the viewer's.</summary>
    internal sealed record Data(
        bool Found, int SectionId, string SectionName, string Course, int SchoolId, int? FrameworkId,
        List<FrameworkChoice> Frameworks, List<LevelView> Levels, List<StandardColumn> Standards,
        List<GridStudent> Roster, List<GridCell> Cells, SchoolCalendar? Calendar);

    public static async Task<Data> ReadAsync(
        NpgsqlConnection connection, string teacherUserId, int sectionId, int? frameworkId, DateOnly today, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection);
        for (var i = 0; i < Statements.Length; i++)
        {
            var command = new NpgsqlBatchCommand(Statements[i]);
            if (i == 6)
            {
                command.Parameters.Add(new NpgsqlParameter<DateOnly> { NpgsqlDbType = NpgsqlDbType.Date, TypedValue = today });
            }
            else
            {
                command.Parameters.Add(new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = sectionId });
                command.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = teacherUserId });
                if (i == 7)
                {
                    command.Parameters.Add(new NpgsqlParameter<DateOnly> { NpgsqlDbType = NpgsqlDbType.Date, TypedValue = today });
                }
                else if (Statements[i].Contains("$3", StringComparison.Ordinal))
                {
                    command.Parameters.Add(new NpgsqlParameter
                    {
                        NpgsqlDbType = NpgsqlDbType.Integer,
                        Value = frameworkId is { } id ? id : DBNull.Value,
                    });
                }
            }
            batch.BatchCommands.Add(command);
        }
        // Prepared statements persist on the pooled physical connection: after the first open, no parse or plan.
        await batch.PrepareAsync(ct);
        await using var reader = await batch.ExecuteReaderAsync(ct);

        var found = false;
        (int Id, string Name, string Course, int SchoolId, int? FrameworkId) section = default;
        if (await reader.ReadAsync(ct))
        {
            found = true;
            section = (reader.GetInt32(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3),
                reader.IsDBNull(4) ? null : reader.GetInt32(4));
        }
        await reader.NextResultAsync(ct);
        var frameworks = new List<FrameworkChoice>();
        while (await reader.ReadAsync(ct))
        {
            frameworks.Add(new FrameworkChoice(reader.GetInt32(0), reader.GetString(1)));
        }
        await reader.NextResultAsync(ct);
        var levels = new List<LevelView>();
        while (await reader.ReadAsync(ct))
        {
            levels.Add(new LevelView(reader.GetDecimal(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3)));
        }
        await reader.NextResultAsync(ct);
        var standards = new List<StandardColumn>(64);
        while (await reader.ReadAsync(ct))
        {
            standards.Add(new StandardColumn(reader.GetInt32(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetInt32(3)));
        }
        await reader.NextResultAsync(ct);
        var roster = new List<GridStudent>(40);
        while (await reader.ReadAsync(ct))
        {
            roster.Add(new GridStudent(reader.GetInt32(0), reader.GetString(1)));
        }
        await reader.NextResultAsync(ct);
        var cells = new List<GridCell>(Math.Max(16, roster.Count * standards.Count));
        while (await reader.ReadAsync(ct))
        {
            cells.Add(new GridCell(reader.GetInt32(0), reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetDecimal(2),
                reader.GetBoolean(3), reader.GetInt32(4), reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5)));
        }
        await reader.NextResultAsync(ct);
        (DateOnly StartsOn, DateOnly EndsOn)? year = null;
        if (await reader.ReadAsync(ct))
        {
            year = (reader.GetFieldValue<DateOnly>(0), reader.GetFieldValue<DateOnly>(1));
        }
        await reader.NextResultAsync(ct);
        var closures = new List<(DateOnly, DateOnly)>();
        while (await reader.ReadAsync(ct))
        {
            closures.Add((reader.GetFieldValue<DateOnly>(0), reader.GetFieldValue<DateOnly>(1)));
        }
        var calendar = year is { } y ? new SchoolCalendar(y.StartsOn, y.EndsOn, closures) : null;
        return new Data(found, section.Id, section.Name ?? "", section.Course ?? "", section.SchoolId, section.FrameworkId,
            frameworks, levels, standards, roster, cells, calendar);
    }
}
