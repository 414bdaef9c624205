using Npgsql;
using NpgsqlTypes;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Features.Family;

namespace PersonalizedLearning.Web.Features.Mastery;

/// <summary>
/// The statements of one interactive evidence write (<see cref="EvidenceService"/>), as two prepared batches on the
/// transaction's connection, so a write is three round trips: (1) <c>BEGIN</c> with the read batch — the evidence
/// table in ROW EXCLUSIVE mode, the pairs' advisory locks and the framework, then the levels, the students through the
/// access rule with the idempotency check, the pairs' evidence and their rollups; (2) the write batch — the evidence
/// rows, the rollups (computed in memory by <see cref="MasteryCalculator"/>), the audit rows and any family alerts;
/// (3) <c>COMMIT</c>. Statements of a batch run one after another, each with its own snapshot (READ COMMITTED), so
/// every read after the lock statement sees all evidence a writer that held a pair's lock before us committed.
/// The access rule is the teacher branch of <see cref="Infrastructure.StudentAccess.VisibleTo"/> narrowed to the
/// write: an active student actively enrolled in an active section (the given one, if any) the viewer teaches; a
/// student outside it returns no row, and so is "not found".
/// </summary>
internal static class EvidenceWrite
{
    // $1 standard, $2 students (ascending), $3 teacher (user id), $4 section or null, $5 idempotency key prefix.
    private const string Allowed = """
        allowed AS (
            SELECT st.id, st.district_id FROM students st
            WHERE st.id = ANY($2) AND st.active
              AND EXISTS (
                SELECT 1 FROM enrollments en
                JOIN sections sec ON sec.id = en.section_id AND sec.active
                JOIN section_teachers t ON t.section_id = sec.id AND t.teacher_user_id = $3
                WHERE en.student_id = st.id AND en.active AND ($4::int IS NULL OR en.section_id = $4)))
        """;

    private static readonly string[] ReadStatements =
    [
        // A bulk import holds SHARE ROW EXCLUSIVE on evidence from its "already there" check to its commit: taking
        // the insert's own lock mode first means a write never reads a pair's evidence while an import is adding to it.
        "LOCK TABLE evidence IN ROW EXCLUSIVE MODE",
        // The pairs' transaction-scoped advisory locks, in ascending student order (two class submissions cannot
        // deadlock), taken once by the uncorrelated sub-select, and the standard's framework.
        """
        SELECT f.district_id, f.method, f.method_parameter, f.method_version, s.code,
               (SELECT count(pg_advisory_xact_lock(u.s, $1)) FROM unnest($2) WITH ORDINALITY AS u(s, n))
        FROM standards s JOIN competency_frameworks f ON f.id = s.framework_id
        WHERE s.id = $1
        """,
        "SELECT l.points, l.name, l.is_mastery FROM mastery_levels l JOIN standards s ON s.framework_id = l.framework_id WHERE s.id = $1 ORDER BY l.points",
        $"""
        WITH {Allowed}
        SELECT a.id, a.district_id, EXISTS (SELECT 1 FROM evidence e WHERE e.external_id = $5 || a.id::text)
        FROM allowed a
        """,
        $"""
        WITH {Allowed}
        SELECT e.student_id, e.id, e.score, e.observed_at, e.recorded_at
        FROM allowed a JOIN evidence e ON e.student_id = a.id AND e.standard_id = $1 AND e.voided_at IS NULL
        """,
        $"""
        WITH {Allowed}
        SELECT r.student_id, r.score FROM allowed a JOIN mastery_rollups r ON r.student_id = a.id AND r.standard_id = $1
        """,
    ];

    /// <summary>The standard's framework as the write needs it.</summary>
    internal sealed record Framework(
        int DistrictId, MasteryMethod Method, int Parameter, int Version, string Code,
        IReadOnlyList<(decimal Points, string Name, bool IsMastery)> Levels)
    {
        public decimal MasteryPoints { get; } = Levels.Where(l => l.IsMastery).Select(l => (decimal?)l.Points).FirstOrDefault() ?? decimal.MaxValue;
    }

    /// <summary>A student the viewer may record for, whether this submission already committed for them, the pair's
    /// evidence (not voided) and its rollup's score (<see cref="HasRollup"/> false when there is no rollup yet).</summary>
    internal sealed record Student(int Id, int DistrictId, bool Done, List<ScoredEvidence> Evidence, bool HasRollup, decimal? RollupScore);

    internal sealed record ReadResult(Framework? Framework, Dictionary<int, Student> Students);

    public static async Task<ReadResult> ReadAsync(
        NpgsqlConnection connection, int standardId, int[] orderedStudentIds, string teacherUserId, int? sectionId,
        string keyPrefix, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection);
        for (var i = 0; i < ReadStatements.Length; i++)
        {
            // Positional parameters: the lock takes none, the framework $1 and $2, the levels $1, the rest all five.
            var command = new NpgsqlBatchCommand(ReadStatements[i]);
            if (i > 0)
            {
                command.Parameters.Add(new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = standardId });
            }
            if (i == 1 || i > 2)
            {
                command.Parameters.Add(new NpgsqlParameter<int[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer, TypedValue = orderedStudentIds });
            }
            if (i > 2)
            {
                command.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = teacherUserId });
                command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = sectionId is { } id ? id : DBNull.Value });
                command.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = keyPrefix });
            }
            batch.BatchCommands.Add(command);
        }
        // Prepared statements persist on the pooled physical connection: after its first write, no parse or plan.
        await batch.PrepareAsync(ct);
        await using var reader = await batch.ExecuteReaderAsync(ct);

        (int DistrictId, MasteryMethod Method, int Parameter, int Version, string Code)? head = null;
        if (await reader.ReadAsync(ct))
        {
            head = (reader.GetInt32(0), Enum.Parse<MasteryMethod>(reader.GetString(1)), reader.GetInt32(2), reader.GetInt32(3), reader.GetString(4));
        }
        await reader.NextResultAsync(ct);
        var levels = new List<(decimal Points, string Name, bool IsMastery)>();
        while (await reader.ReadAsync(ct))
        {
            levels.Add((reader.GetDecimal(0), reader.GetString(1), reader.GetBoolean(2)));
        }
        await reader.NextResultAsync(ct);
        var rows = new List<(int Id, int DistrictId, bool Done)>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add((reader.GetInt32(0), reader.GetInt32(1), reader.GetBoolean(2)));
        }
        await reader.NextResultAsync(ct);
        var evidence = new List<(int StudentId, ScoredEvidence Scored)>();
        while (await reader.ReadAsync(ct))
        {
            evidence.Add((reader.GetInt32(0), new ScoredEvidence(reader.GetInt64(1), reader.GetDecimal(2),
                reader.GetFieldValue<DateTimeOffset>(3), reader.GetFieldValue<DateTimeOffset>(4))));
        }
        await reader.NextResultAsync(ct);
        var rollups = new Dictionary<int, decimal?>();
        while (await reader.ReadAsync(ct))
        {
            rollups[reader.GetInt32(0)] = reader.IsDBNull(1) ? null : reader.GetDecimal(1);
        }

        var byStudent = evidence.ToLookup(e => e.StudentId, e => e.Scored);
        var students = rows.ToDictionary(r => r.Id, r => new Student(r.Id, r.DistrictId, r.Done, [.. byStudent[r.Id]],
            rollups.ContainsKey(r.Id), rollups.GetValueOrDefault(r.Id)));
        var framework = head is { } h ? new Framework(h.DistrictId, h.Method, h.Parameter, h.Version, h.Code, levels) : null;
        return new ReadResult(framework, students);
    }

    /// <summary>One new evidence row and the rollup of its pair after it.</summary>
    internal sealed record NewEvidence(int StudentId, decimal Score, string Note, string ExternalId, MasteryResult Rollup, int EvidenceCount, DateTimeOffset? LastEvidenceAt);

    private const string InsertEvidence = """
        INSERT INTO evidence (student_id, standard_id, score, source, recorded_by_user_id, section_id, observed_at, recorded_at, note, external_id)
        SELECT u.student_id, $1, u.score, 'TeacherAssessment', $2, $3, $4, $5, u.note, u.external_id
        FROM unnest($6, $7, $8, $9) WITH ORDINALITY AS u(student_id, score, note, external_id, n)
        ORDER BY u.n
        """;

    private const string UpsertRollups = """
        INSERT INTO mastery_rollups (student_id, standard_id, score, at_mastery, evidence_count, last_evidence_at, method, method_version, updated_at)
        SELECT u.student_id, $1, u.score, u.at_mastery, u.evidence_count, u.last_evidence_at, $2, $3, $4
        FROM unnest($5, $6, $7, $8, $9) AS u(student_id, score, at_mastery, evidence_count, last_evidence_at)
        ON CONFLICT (student_id, standard_id) DO UPDATE SET
            score = excluded.score, at_mastery = excluded.at_mastery, evidence_count = excluded.evidence_count,
            last_evidence_at = excluded.last_evidence_at, method = excluded.method, method_version = excluded.method_version,
            updated_at = excluded.updated_at
        """;

    private const string InsertAudit = """
        INSERT INTO access_audit (at, user_id, role, student_id, action, outcome)
        SELECT $1, $2, $3, u.student_id, 'evidence-recorded', 'Allowed' FROM unnest($4) AS u(student_id)
        """;

    /// <summary>
    /// Writes the evidence rows, their pairs' rollups, one audit row per student and the alerts, in one round trip.
    /// Returns the students who got a new alert.
    /// </summary>
    public static async Task<List<int>> WriteAsync(
        NpgsqlConnection connection, int standardId, int? sectionId, string teacherUserId, string teacherRoles,
        DateTimeOffset observedAt, DateTimeOffset now, Framework framework, IReadOnlyList<NewEvidence> rows,
        IReadOnlyCollection<PendingAlert> alerts, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection);
        var students = rows.Select(r => r.StudentId).ToArray();
        batch.BatchCommands.Add(Command(InsertEvidence,
            Int(standardId), Text(teacherUserId), new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = sectionId is { } id ? id : DBNull.Value },
            Time(observedAt), Time(now), Ints(students),
            new NpgsqlParameter<decimal[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Numeric, TypedValue = [.. rows.Select(r => r.Score)] },
            Texts(rows.Select(r => r.Note)), Texts(rows.Select(r => r.ExternalId))));
        batch.BatchCommands.Add(Command(UpsertRollups,
            Int(standardId), Text(framework.Method.ToString()), Int(framework.Version), Time(now), Ints(students),
            new NpgsqlParameter<decimal?[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Numeric, TypedValue = [.. rows.Select(r => r.Rollup.Score)] },
            new NpgsqlParameter<bool[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Boolean, TypedValue = [.. rows.Select(r => r.Rollup.Score >= framework.MasteryPoints)] },
            new NpgsqlParameter<int[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer, TypedValue = [.. rows.Select(r => r.EvidenceCount)] },
            new NpgsqlParameter<DateTimeOffset?[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, TypedValue = [.. rows.Select(r => r.LastEvidenceAt)] }));
        batch.BatchCommands.Add(Command(InsertAudit, Time(now), Text(teacherUserId), Text(teacherRoles), Ints(students)));
        if (alerts.Count > 0)
        {
            var raise = new NpgsqlBatchCommand(AlertWriter.RaiseSql);
            raise.Parameters.AddRange(AlertWriter.RaiseParameters(alerts, now));
            batch.BatchCommands.Add(raise);
        }
        await batch.PrepareAsync(ct);
        var alerted = new List<int>();
        await using var reader = await batch.ExecuteReaderAsync(ct);
        // The inserts return no rows; the alert statement's result set is the last one.
        do
        {
            while (await reader.ReadAsync(ct))
            {
                alerted.Add(reader.GetInt32(0));
            }
        }
        while (await reader.NextResultAsync(ct));
        return alerted;
    }

    private static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private static NpgsqlParameter<int> Int(int value) => new() { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = value };

    private static NpgsqlParameter<string> Text(string value) => new() { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = value };

    private static NpgsqlParameter<DateTimeOffset> Time(DateTimeOffset value) => new() { NpgsqlDbType = NpgsqlDbType.TimestampTz, TypedValue = value };

    private static NpgsqlParameter<int[]> Ints(int[] values) => new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer, TypedValue = values };

    private static NpgsqlParameter<string[]> Texts(IEnumerable<string> values) => new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = [.. values] };
}
