using Npgsql;
using NpgsqlTypes;
using PersonalizedLearning.Web.Domain;
using PersonalizedLearning.Web.Features.Family;

namespace PersonalizedLearning.Web.Features.Mastery;

/// <summary>
/// The statements of one interactive evidence write (<see cref="EvidenceService"/>), as two prepared batches on a
/// pooled connection, so a write is TWO round trips and its own transaction: (1) the read batch — <c>BEGIN</c>, the
/// evidence table in ROW EXCLUSIVE mode, the pairs' advisory locks and the framework, then the levels, the students
/// through the access rule with the idempotency check, the pairs' evidence and their rollups; (2) the write batch —
/// the evidence rows, the rollups (computed in memory by <see cref="MasteryCalculator"/>), the audit rows, any family
/// alerts and <c>COMMIT</c>. Statements of a batch run one after another, each with its own snapshot (READ
/// COMMITTED), so every read after the lock statement sees all evidence a writer that held a pair's lock before us
/// committed. A statement that fails makes the server skip the rest of its batch (the <c>COMMIT</c> included), so a
/// failed write batch never commits half; <see cref="RollbackAsync"/> then ends the transaction.
/// The access rule is the teacher branch of <see cref="Infrastructure.StudentAccess.VisibleTo"/> narrowed to the
/// write: an active student actively enrolled in an active section (the given one, if any) the viewer teaches; a
/// student outside it returns no row, and so is "not found". It is evaluated by the database in the write's own
/// transaction, against current data, on every write (nothing about access is cached).
/// </summary>
internal static class EvidenceWrite
{
    // $1 standard, $2 students (ascending), $3 teacher (user id), $4 section or null, $5 idempotency key prefix.
    // One enrollment per student is probed through the student's own index (LIMIT 1 keeps the probe per student: a
    // generic plan would otherwise hash the teacher's whole roster), then the section and the teacher by primary key.
    private const string Allowed = """
        allowed AS (
            SELECT st.id, st.district_id FROM students st
            CROSS JOIN LATERAL (
                SELECT 1 FROM enrollments en
                JOIN sections sec ON sec.id = en.section_id AND sec.active
                JOIN section_teachers t ON t.section_id = sec.id AND t.teacher_user_id = $3
                WHERE en.student_id = st.id AND en.active AND ($4::int IS NULL OR en.section_id = $4)
                LIMIT 1) taught
            WHERE st.id = ANY($2) AND st.active)
        """;

    private static readonly string[] ReadStatements =
    [
        // The transaction starts with the batch (no round trip of its own).
        "BEGIN",
        // A bulk import holds SHARE ROW EXCLUSIVE on evidence from its "already there" check to its commit: taking
        // the insert's own lock mode first means a write never reads a pair's evidence while an import is adding to it.
        "LOCK TABLE evidence IN ROW EXCLUSIVE MODE",
        // The pairs' transaction-scoped advisory locks, in ascending student order (two class submissions cannot
        // deadlock), taken once by the uncorrelated sub-select, and the standard's framework with its levels.
        """
        SELECT f.district_id, f.method, f.method_parameter, f.method_version, s.code,
               (SELECT count(pg_advisory_xact_lock(u.s, $1)) FROM unnest($2) WITH ORDINALITY AS u(s, n)),
               l.points, l.names, l.mastery
        FROM standards s JOIN competency_frameworks f ON f.id = s.framework_id
        CROSS JOIN LATERAL (
            SELECT array_agg(l.points ORDER BY l.points) AS points, array_agg(l.name ORDER BY l.points) AS names,
                   array_agg(l.is_mastery ORDER BY l.points) AS mastery
            FROM mastery_levels l WHERE l.framework_id = f.id) l
        WHERE s.id = $1
        """,
        // The students through the access rule, each with the idempotency check, its rollup's score (has_rollup
        // false: none yet) and the pair's evidence (not voided) as parallel arrays: one statement, one row per student.
        $"""
        WITH {Allowed}
        SELECT a.id, a.district_id, EXISTS (SELECT 1 FROM evidence e WHERE e.external_id = $5 || a.id::text),
               r.has IS NOT NULL, r.score, ev.ids, ev.scores, ev.observed, ev.recorded
        FROM allowed a
        LEFT JOIN LATERAL (SELECT true AS has, r.score FROM mastery_rollups r WHERE r.student_id = a.id AND r.standard_id = $1) r ON true
        CROSS JOIN LATERAL (
            SELECT array_agg(e.id ORDER BY e.id) AS ids, array_agg(e.score ORDER BY e.id) AS scores,
                   array_agg(e.observed_at ORDER BY e.id) AS observed, array_agg(e.recorded_at ORDER BY e.id) AS recorded
            FROM evidence e WHERE e.student_id = a.id AND e.standard_id = $1 AND e.voided_at IS NULL) ev
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
        batch.BatchCommands.Add(new NpgsqlBatchCommand(ReadStatements[0]));
        batch.BatchCommands.Add(new NpgsqlBatchCommand(ReadStatements[1]));
        batch.BatchCommands.Add(Command(ReadStatements[2], Int(standardId), Ints(orderedStudentIds)));
        batch.BatchCommands.Add(Command(ReadStatements[3], Int(standardId), Ints(orderedStudentIds), Text(teacherUserId),
            new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = sectionId is { } section ? section : DBNull.Value },
            Text(keyPrefix)));
        // Prepared statements persist on the pooled physical connection: after its first write, no parse or plan.
        await batch.PrepareAsync(ct);
        await using var reader = await batch.ExecuteReaderAsync(ct);

        Framework? framework = null;
        if (await reader.ReadAsync(ct))
        {
            var points = reader.IsDBNull(6) ? [] : reader.GetFieldValue<decimal[]>(6);
            var names = reader.IsDBNull(7) ? [] : reader.GetFieldValue<string[]>(7);
            var mastery = reader.IsDBNull(8) ? [] : reader.GetFieldValue<bool[]>(8);
            framework = new Framework(reader.GetInt32(0), Enum.Parse<MasteryMethod>(reader.GetString(1)), reader.GetInt32(2),
                reader.GetInt32(3), reader.GetString(4), [.. points.Select((p, i) => (p, names[i], mastery[i]))]);
        }
        await reader.NextResultAsync(ct);
        var students = new Dictionary<int, Student>(orderedStudentIds.Length);
        while (await reader.ReadAsync(ct))
        {
            var evidence = new List<ScoredEvidence>();
            if (!reader.IsDBNull(5))
            {
                var ids = reader.GetFieldValue<long[]>(5);
                var scores = reader.GetFieldValue<decimal[]>(6);
                var observed = reader.GetFieldValue<DateTimeOffset[]>(7);
                var recorded = reader.GetFieldValue<DateTimeOffset[]>(8);
                for (var i = 0; i < ids.Length; i++)
                {
                    evidence.Add(new ScoredEvidence(ids[i], scores[i], observed[i], recorded[i]));
                }
            }
            var studentId = reader.GetInt32(0);
            students[studentId] = new Student(studentId, reader.GetInt32(1), reader.GetBoolean(2), evidence, reader.GetBoolean(3),
                reader.IsDBNull(4) ? null : reader.GetDecimal(4));
        }
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
    /// Writes the evidence rows, their pairs' rollups, one audit row per student and the alerts, and commits, in one
    /// round trip. Returns the students who got a new alert. When it throws, the transaction did not commit, or (the
    /// connection broke) its outcome is unknown: a retry with the same idempotency key records nothing twice.
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
        batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        await batch.PrepareAsync(ct);
        var alerted = new List<int>();
        await using var reader = await batch.ExecuteReaderAsync(ct);
        // The inserts and the commit return no rows; only the alert statement's result set has any.
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

    /// <summary>Ends the write's transaction without writing (a refusal, a submission already recorded, or after a
    /// failed statement). A no-op on a broken connection; the pool discards it.</summary>
    public static async Task RollbackAsync(NpgsqlConnection connection)
    {
        if (connection.FullState != System.Data.ConnectionState.Open)
        {
            return;
        }
        try
        {
            await using var rollback = new NpgsqlCommand("ROLLBACK", connection);
            await rollback.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (NpgsqlException)
        {
            // The connection broke: the server ends the transaction with the session.
        }
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
