using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;
using NpgsqlTypes;
using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.Web.Data.Seeding;

/// <summary>
/// Bulk inserts of the large demo tables with PostgreSQL binary COPY, on the context's connection and inside its open
/// transaction. Table and column names come from the EF model, so they follow the naming convention.
/// </summary>
internal static class DemoCopy
{
    public static async Task<long> EvidenceAsync(AppDbContext db, IReadOnlyList<EvidenceRow> rows, CancellationToken ct)
    {
        var command = Command(db, typeof(Evidence), nameof(Evidence.StudentId), nameof(Evidence.StandardId),
            nameof(Evidence.Score), nameof(Evidence.Source), nameof(Evidence.RecordedByUserId), nameof(Evidence.SectionId),
            nameof(Evidence.ObservedAt), nameof(Evidence.RecordedAt), nameof(Evidence.Note));
        await using var writer = await Connection(db).BeginBinaryImportAsync(command, ct);
        foreach (var r in rows)
        {
            await writer.StartRowAsync(ct);
            await writer.WriteAsync(r.Student.Id, NpgsqlDbType.Integer, ct);
            await writer.WriteAsync(r.Standard.Id, NpgsqlDbType.Integer, ct);
            await writer.WriteAsync(r.Score, NpgsqlDbType.Numeric, ct);
            await writer.WriteAsync(r.Source.ToString(), NpgsqlDbType.Varchar, ct);
            await WriteNullableAsync(writer, r.RecordedByUserId, NpgsqlDbType.Text, ct);
            await WriteNullableAsync(writer, r.Section?.Id, NpgsqlDbType.Integer, ct);
            await writer.WriteAsync(r.ObservedAt, NpgsqlDbType.TimestampTz, ct);
            await writer.WriteAsync(r.RecordedAt, NpgsqlDbType.TimestampTz, ct);
            await writer.WriteAsync(r.Note, NpgsqlDbType.Varchar, ct);
        }
        return (long)await writer.CompleteAsync(ct);
    }

    public static async Task<long> RollupsAsync(AppDbContext db, IReadOnlyList<RollupRow> rows, CancellationToken ct)
    {
        var command = Command(db, typeof(MasteryRollup), nameof(MasteryRollup.StudentId), nameof(MasteryRollup.StandardId),
            nameof(MasteryRollup.Score), nameof(MasteryRollup.AtMastery), nameof(MasteryRollup.EvidenceCount),
            nameof(MasteryRollup.LastEvidenceAt), nameof(MasteryRollup.Method), nameof(MasteryRollup.MethodVersion),
            nameof(MasteryRollup.UpdatedAt));
        await using var writer = await Connection(db).BeginBinaryImportAsync(command, ct);
        foreach (var (student, standard, r) in rows)
        {
            await writer.StartRowAsync(ct);
            await writer.WriteAsync(student.Id, NpgsqlDbType.Integer, ct);
            await writer.WriteAsync(standard.Id, NpgsqlDbType.Integer, ct);
            await WriteNullableAsync(writer, r.Score, NpgsqlDbType.Numeric, ct);
            await writer.WriteAsync(r.AtMastery, NpgsqlDbType.Boolean, ct);
            await writer.WriteAsync(r.EvidenceCount, NpgsqlDbType.Integer, ct);
            await WriteNullableAsync(writer, r.LastEvidenceAt, NpgsqlDbType.TimestampTz, ct);
            await writer.WriteAsync(r.Method.ToString(), NpgsqlDbType.Varchar, ct);
            await writer.WriteAsync(r.MethodVersion, NpgsqlDbType.Integer, ct);
            await writer.WriteAsync(r.UpdatedAt, NpgsqlDbType.TimestampTz, ct);
        }
        return (long)await writer.CompleteAsync(ct);
    }

    public static async Task<long> CheckInsAsync(AppDbContext db, IReadOnlyList<CheckInRow> rows, CancellationToken ct)
    {
        var command = Command(db, typeof(CheckIn), nameof(CheckIn.StudentId), nameof(CheckIn.AdvisoryId), nameof(CheckIn.Day),
            nameof(CheckIn.Attendance), nameof(CheckIn.Mood), nameof(CheckIn.Progress), nameof(CheckIn.TodayGoal),
            nameof(CheckIn.NeedsHelp), nameof(CheckIn.HelpWith), nameof(CheckIn.AdvisorNote), nameof(CheckIn.AdvisorNoteShared),
            nameof(CheckIn.RecordedByUserId), nameof(CheckIn.RecordedAt));
        await using var writer = await Connection(db).BeginBinaryImportAsync(command, ct);
        foreach (var (student, advisory, c) in rows)
        {
            await writer.StartRowAsync(ct);
            await writer.WriteAsync(student.Id, NpgsqlDbType.Integer, ct);
            await writer.WriteAsync(advisory.Id, NpgsqlDbType.Integer, ct);
            await writer.WriteAsync(c.Day, NpgsqlDbType.Date, ct);
            await writer.WriteAsync(c.Attendance.ToString(), NpgsqlDbType.Varchar, ct);
            await WriteNullableAsync(writer, c.Mood, NpgsqlDbType.Integer, ct);
            await writer.WriteAsync(c.Progress, NpgsqlDbType.Varchar, ct);
            await writer.WriteAsync(c.TodayGoal, NpgsqlDbType.Varchar, ct);
            await writer.WriteAsync(c.NeedsHelp, NpgsqlDbType.Boolean, ct);
            await writer.WriteAsync(c.HelpWith, NpgsqlDbType.Varchar, ct);
            await writer.WriteAsync(c.AdvisorNote, NpgsqlDbType.Varchar, ct);
            await writer.WriteAsync(c.AdvisorNoteShared, NpgsqlDbType.Boolean, ct);
            await WriteNullableAsync(writer, c.RecordedByUserId, NpgsqlDbType.Text, ct);
            await writer.WriteAsync(c.RecordedAt, NpgsqlDbType.TimestampTz, ct);
        }
        return (long)await writer.CompleteAsync(ct);
    }

    internal static NpgsqlConnection Connection(AppDbContext db) =>
        db.Database.GetDbConnection() as NpgsqlConnection
        ?? throw new InvalidOperationException("The demo seed needs PostgreSQL (Npgsql)");

    private static async Task WriteNullableAsync<T>(NpgsqlBinaryImporter writer, T? value, NpgsqlDbType type, CancellationToken ct)
        where T : struct
    {
        if (value is { } v)
        {
            await writer.WriteAsync(v, type, ct);
        }
        else
        {
            await writer.WriteNullAsync(ct);
        }
    }

    private static async Task WriteNullableAsync(NpgsqlBinaryImporter writer, string? value, NpgsqlDbType type, CancellationToken ct)
    {
        if (value is null)
        {
            await writer.WriteNullAsync(ct);
        }
        else
        {
            await writer.WriteAsync(value, type, ct);
        }
    }

    /// <summary>COPY "table" ("col", ...) FROM STDIN (FORMAT BINARY), with the names the EF model maps to.</summary>
    internal static string Command(AppDbContext db, Type entity, params string[] properties)
    {
        var type = db.Model.FindEntityType(entity) ?? throw new InvalidOperationException($"{entity.Name} is not mapped");
        var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
        var columns = properties.Select(p =>
            Quote(type.FindProperty(p)?.GetColumnName(table) ?? throw new InvalidOperationException($"{entity.Name}.{p} is not mapped")));
        var name = table.Schema is null ? Quote(table.Name) : $"{Quote(table.Schema)}.{Quote(table.Name)}";
        return $"COPY {name} ({string.Join(", ", columns)}) FROM STDIN (FORMAT BINARY)";
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
