using System.Globalization;
using nietras.SeparatedValues;
using PersonalizedLearning.Web.Domain;

namespace PersonalizedLearning.Web.Features.Mastery;

/// <summary>One framework the importer may name: its scale bounds, method and standards by code.</summary>
public sealed record ImportFramework(
    int Id, string Code, decimal Lowest, decimal Highest, MasteryMethod Method, int MethodParameter, decimal? MasteryPoints,
    IReadOnlyDictionary<string, int> StandardsByCode);

/// <summary>
/// Everything the reader needs to map codes to ids, loaded once per import: the students the importer may record
/// for (by district student number and by roster sourcedId), the district's frameworks, and "today" in the district.
/// </summary>
public sealed class ImportLookups
{
    public ImportLookups(
        IEnumerable<(int Id, string Number, string SourcedId)> students, IEnumerable<ImportFramework> frameworks,
        DateOnly today, TimeZoneInfo zone)
    {
        foreach (var (id, number, sourcedId) in students)
        {
            ByNumber.TryAdd(number, id);
            BySourcedId.TryAdd(sourcedId, id);
        }
        foreach (var f in frameworks)
        {
            Frameworks.TryAdd(f.Code, f);
            StandardsByCode[f.Id] = new Dictionary<string, int>(f.StandardsByCode, StringComparer.OrdinalIgnoreCase);
        }
        Today = today;
        Zone = zone;
    }

    internal Dictionary<string, int> ByNumber { get; } = new(StringComparer.Ordinal);
    internal Dictionary<string, int> BySourcedId { get; } = new(StringComparer.Ordinal);
    internal Dictionary<string, ImportFramework> Frameworks { get; } = new(StringComparer.OrdinalIgnoreCase);
    internal Dictionary<int, Dictionary<string, int>> StandardsByCode { get; } = [];
    public DateOnly Today { get; }
    public TimeZoneInfo Zone { get; }
}

/// <summary>One valid row, mapped to ids; <see cref="ObservedAt"/> is UTC with microsecond precision (as stored).</summary>
public readonly record struct ImportRow(
    int Line, int StudentId, int StandardId, decimal Score, EvidenceSource Source, DateTimeOffset ObservedAt, string Note, string? ExternalId);

/// <summary>The rows of a file and every problem found in it.</summary>
public sealed record ImportReadResult(IReadOnlyList<ImportRow> Rows, IReadOnlyList<EvidenceImportProblem> Problems, int ProblemCount, int LineCount);

/// <summary>
/// Reads and validates an evidence CSV (Sep: SIMD parsing, spans, no per-field strings for codes that map to ids).
/// Columns are found by header name (case, spaces, dashes and underscores ignored). Every problem is reported with
/// its line and column; nothing is thrown for bad data. Pure: no database, no clock.
/// </summary>
public static class EvidenceImportReader
{
    public const int MaxRows = 1_000_000;
    public const int MaxProblemsListed = 5_000;
    public const int MaxNoteLength = EvidenceService.MaxNoteLength;
    public const int MaxExternalIdLength = 100;

    /// <summary>The canonical header of the template, in order.</summary>
    public static readonly string[] TemplateHeader = ["student", "framework", "standard", "score", "observed_on", "source", "note", "external_id"];

    private enum Col { Student, Framework, Standard, Score, Observed, Source, Note, ExternalId }

    private static readonly (Col Col, string Canonical, string[] Aliases, bool Required)[] Columns =
    [
        (Col.Student, "student", ["student", "studentid", "studentnumber", "sourcedid", "studentsourcedid"], true),
        (Col.Framework, "framework", ["framework", "frameworkcode"], true),
        (Col.Standard, "standard", ["standard", "standardcode"], true),
        (Col.Score, "score", ["score", "points"], true),
        (Col.Observed, "observed_on", ["observedon", "observeddate", "observed", "date", "observedat"], true),
        (Col.Source, "source", ["source", "evidencesource"], true),
        (Col.Note, "note", ["note", "notes", "comment"], false),
        (Col.ExternalId, "external_id", ["externalid", "id", "sourceid"], false),
    ];

    private static readonly Dictionary<string, EvidenceSource> Sources = new(StringComparer.OrdinalIgnoreCase)
    {
        ["teacherassessment"] = EvidenceSource.TeacherAssessment,
        ["teacher"] = EvidenceSource.TeacherAssessment,
        ["advisor"] = EvidenceSource.Advisor,
        ["mentor"] = EvidenceSource.Mentor,
        ["selfassessment"] = EvidenceSource.SelfAssessment,
        ["self"] = EvidenceSource.SelfAssessment,
        ["externalapp"] = EvidenceSource.ExternalApp,
        ["external"] = EvidenceSource.ExternalApp,
    };

    private static readonly string[] TimestampFormats =
        ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd HH:mm:ssK"];

    private readonly record struct SameKey(int StudentId, int StandardId, long ObservedTicks, EvidenceSource Source, decimal Score);

    public static ImportReadResult Read(Stream csv, ImportLookups lookups, Action<int, double>? progress = null, CancellationToken ct = default)
    {
        var problems = new ProblemList();
        var rows = new List<ImportRow>();
        var lines = 0;
        SepReader reader;
        try
        {
            reader = Sep.Reader(o => o with
            {
                HasHeader = true,
                Unescape = true,
                Trim = SepTrim.Outer,
                DisableColCountCheck = true,
                CultureInfo = CultureInfo.InvariantCulture,
            }).From(csv);
        }
        catch (Exception ex) when (ex is InvalidDataException or ArgumentException)
        {
            problems.Add(new(1, "", "Import.Problem.Malformed"));
            return problems.Result(rows, 0);
        }
        using (reader)
        {
            if (reader.Header.IsEmpty)
            {
                problems.Add(new(1, "", "Import.Problem.Empty"));
                return problems.Result(rows, 0);
            }
            var index = new int[Columns.Length];
            var names = new string[Columns.Length];
            var header = reader.Header.ColNames;
            for (var c = 0; c < Columns.Length; c++)
            {
                index[c] = -1;
                names[c] = Columns[c].Canonical;
                for (var h = 0; h < header.Count; h++)
                {
                    if (Columns[c].Aliases.Contains(Normalize(header[h])))
                    {
                        index[c] = h;
                        names[c] = header[h];
                        break;
                    }
                }
                if (index[c] < 0 && Columns[c].Required)
                {
                    problems.Add(new(1, Columns[c].Canonical, "Import.Problem.MissingColumn", Columns[c].Canonical));
                }
            }
            if (problems.Count > 0)
            {
                return problems.Result(rows, 0);
            }

            var byNumber = lookups.ByNumber.GetAlternateLookup<ReadOnlySpan<char>>();
            var bySourcedId = lookups.BySourcedId.GetAlternateLookup<ReadOnlySpan<char>>();
            var frameworks = lookups.Frameworks.GetAlternateLookup<ReadOnlySpan<char>>();
            var sources = Sources.GetAlternateLookup<ReadOnlySpan<char>>();
            var noons = new Dictionary<DateOnly, DateTimeOffset>();
            var same = new Dictionary<SameKey, int>();
            var externalIds = new Dictionary<string, int>(StringComparer.Ordinal);
            var length = csv.CanSeek ? csv.Length : 0;
            Span<char> sourceBuffer = stackalloc char[32];

            var dataRows = 0;
            try
            {
                foreach (var row in reader)
                {
                    var line = row.LineNumberFrom;
                    lines = line;
                    if (++dataRows % 20_000 == 0)
                    {
                        ct.ThrowIfCancellationRequested();
                        progress?.Invoke(rows.Count, length > 0 ? Math.Min(1.0, (double)csv.Position / length) : 0);
                    }
                    if (dataRows > MaxRows)
                    {
                        problems.Add(new(line, "", "Import.Problem.TooManyRows", MaxRows.ToString(CultureInfo.InvariantCulture)));
                        break;
                    }
                    if (row.ColCount == 1 && row.Span.Trim().IsEmpty)
                    {
                        continue; // A blank line (e.g. at the end of the file).
                    }
                    if (row.ColCount < header.Count)
                    {
                        problems.Add(new(line, "", "Import.Problem.ColumnCount",
                            row.ColCount.ToString(CultureInfo.InvariantCulture), header.Count.ToString(CultureInfo.InvariantCulture)));
                        continue;
                    }
                    var ok = true;

                    // Student: district student number first, then roster sourcedId.
                    var studentText = row[index[(int)Col.Student]].Span;
                    var studentId = 0;
                    if (studentText.IsEmpty)
                    {
                        ok = problems.Add(new(line, names[(int)Col.Student], "Import.Problem.Required"));
                    }
                    else if (!byNumber.TryGetValue(studentText, out studentId) && !bySourcedId.TryGetValue(studentText, out studentId))
                    {
                        ok = problems.Add(new(line, names[(int)Col.Student], "Import.Problem.UnknownStudent", studentText.ToString()));
                    }

                    // Framework and standard.
                    var frameworkText = row[index[(int)Col.Framework]].Span;
                    var standardText = row[index[(int)Col.Standard]].Span;
                    ImportFramework? framework = null;
                    var standardId = 0;
                    if (frameworkText.IsEmpty)
                    {
                        ok = problems.Add(new(line, names[(int)Col.Framework], "Import.Problem.Required"));
                    }
                    else if (!frameworks.TryGetValue(frameworkText, out framework))
                    {
                        ok = problems.Add(new(line, names[(int)Col.Framework], "Import.Problem.UnknownFramework", frameworkText.ToString()));
                    }
                    if (standardText.IsEmpty)
                    {
                        ok = problems.Add(new(line, names[(int)Col.Standard], "Import.Problem.Required"));
                    }
                    else if (framework is not null
                        && !lookups.StandardsByCode[framework.Id].GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(standardText, out standardId))
                    {
                        ok = problems.Add(new(line, names[(int)Col.Standard], "Import.Problem.UnknownStandard", framework.Code, standardText.ToString()));
                    }

                    // Score on the framework's scale, at most 3 decimals (as stored).
                    var scoreText = row[index[(int)Col.Score]].Span;
                    decimal score = 0;
                    if (scoreText.IsEmpty)
                    {
                        ok = problems.Add(new(line, names[(int)Col.Score], "Import.Problem.Required"));
                    }
                    else if (!decimal.TryParse(scoreText, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out score))
                    {
                        ok = problems.Add(new(line, names[(int)Col.Score], "Import.Problem.BadScore", scoreText.ToString()));
                    }
                    else if (framework is not null && (score < framework.Lowest || score > framework.Highest))
                    {
                        ok = problems.Add(new(line, names[(int)Col.Score], "Import.Problem.ScoreOffScale", Invariant(score),
                            Invariant(framework.Lowest), Invariant(framework.Highest), framework.Code));
                    }
                    else if (decimal.Round(score, 3) != score)
                    {
                        ok = problems.Add(new(line, names[(int)Col.Score], "Import.Problem.ScorePrecision", Invariant(score)));
                    }

                    // Observed date (a day: noon in the district; or an ISO timestamp with offset), not in the future.
                    var observedText = row[index[(int)Col.Observed]].Span;
                    DateTimeOffset observedAt = default;
                    if (observedText.IsEmpty)
                    {
                        ok = problems.Add(new(line, names[(int)Col.Observed], "Import.Problem.Required"));
                    }
                    else if (DateOnly.TryParseExact(observedText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                    {
                        if (day > lookups.Today)
                        {
                            ok = problems.Add(new(line, names[(int)Col.Observed], "Import.Problem.FutureDate", observedText.ToString()));
                        }
                        else
                        {
                            if (!noons.TryGetValue(day, out observedAt))
                            {
                                noons[day] = observedAt = Noon(day, lookups.Zone);
                            }
                        }
                    }
                    else if (DateTimeOffset.TryParseExact(observedText, TimestampFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
                    {
                        observedAt = new DateTimeOffset(at.UtcTicks - (at.UtcTicks % 10), TimeSpan.Zero);
                        if (DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(observedAt, lookups.Zone).DateTime) > lookups.Today)
                        {
                            ok = problems.Add(new(line, names[(int)Col.Observed], "Import.Problem.FutureDate", observedText.ToString()));
                        }
                    }
                    else
                    {
                        ok = problems.Add(new(line, names[(int)Col.Observed], "Import.Problem.BadDate", observedText.ToString()));
                    }

                    // Source: the enum's name or a short alias; spaces, dashes and underscores ignored.
                    var sourceText = row[index[(int)Col.Source]].Span;
                    var source = EvidenceSource.TeacherAssessment;
                    if (sourceText.IsEmpty)
                    {
                        ok = problems.Add(new(line, names[(int)Col.Source], "Import.Problem.Required"));
                    }
                    else if (sourceText.Length > sourceBuffer.Length || !sources.TryGetValue(Squeeze(sourceText, sourceBuffer), out source))
                    {
                        ok = problems.Add(new(line, names[(int)Col.Source], "Import.Problem.UnknownSource", sourceText.ToString()));
                    }

                    var note = "";
                    if (index[(int)Col.Note] >= 0)
                    {
                        var noteText = row[index[(int)Col.Note]].Span;
                        if (noteText.Length > MaxNoteLength)
                        {
                            ok = problems.Add(new(line, names[(int)Col.Note], "Import.Problem.TooLong", MaxNoteLength.ToString(CultureInfo.InvariantCulture)));
                        }
                        else if (!noteText.IsEmpty)
                        {
                            note = noteText.ToString();
                        }
                    }

                    string? externalId = null;
                    if (index[(int)Col.ExternalId] >= 0)
                    {
                        var idText = row[index[(int)Col.ExternalId]].Span;
                        if (idText.Length > MaxExternalIdLength)
                        {
                            ok = problems.Add(new(line, names[(int)Col.ExternalId], "Import.Problem.TooLong", MaxExternalIdLength.ToString(CultureInfo.InvariantCulture)));
                        }
                        else if (idText.StartsWith("key:", StringComparison.Ordinal))
                        {
                            ok = problems.Add(new(line, names[(int)Col.ExternalId], "Import.Problem.ReservedExternalId"));
                        }
                        else if (!idText.IsEmpty)
                        {
                            externalId = idText.ToString();
                            if (!externalIds.TryAdd(externalId, line))
                            {
                                ok = problems.Add(new(line, names[(int)Col.ExternalId], "Import.Problem.DuplicateExternalId",
                                    externalIds[externalId].ToString(CultureInfo.InvariantCulture)));
                            }
                        }
                    }

                    if (!ok)
                    {
                        continue;
                    }
                    var key = new SameKey(studentId, standardId, observedAt.UtcTicks, source, score);
                    if (!same.TryAdd(key, line))
                    {
                        problems.Add(new(line, "", "Import.Problem.DuplicateLine", same[key].ToString(CultureInfo.InvariantCulture)));
                        continue;
                    }
                    rows.Add(new ImportRow(line, studentId, standardId, score, source, observedAt, note, externalId));
                }
            }
            catch (InvalidDataException)
            {
                problems.Add(new(lines + 1, "", "Import.Problem.Malformed"));
            }
        }
        if (rows.Count == 0 && problems.Count == 0)
        {
            problems.Add(new(1, "", "Import.Problem.NoRows"));
        }
        return problems.Result(rows, lines);
    }

    /// <summary>Noon on a day in the district's time zone, as UTC (the same instant the grid's "record" uses for past days).</summary>
    public static DateTimeOffset Noon(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(new TimeOnly(12, 0));
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }

    /// <summary>The template's header and two example rows.</summary>
    public static string Template(string studentNumber, string frameworkCode, string standardCode, DateOnly day) =>
        string.Join(',', TemplateHeader) + "\r\n"
        + $"{studentNumber},{frameworkCode},{standardCode},3,{day:yyyy-MM-dd},teacher,Exit ticket,\r\n"
        + $"{studentNumber},{frameworkCode},{standardCode},2.5,{day.AddDays(-7):yyyy-MM-dd},external-app,,quiz-2041\r\n";

    private static string Invariant(decimal value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Normalize(string header)
    {
        Span<char> buffer = stackalloc char[Math.Min(header.Length, 64)];
        return header.Length > 64 ? header : new string(Squeeze(header, buffer)).ToLowerInvariant();
    }

    // Drops spaces, dashes and underscores: "Self-assessment" → "Selfassessment".
    private static ReadOnlySpan<char> Squeeze(ReadOnlySpan<char> text, Span<char> buffer)
    {
        var n = 0;
        foreach (var ch in text)
        {
            if (ch is not (' ' or '-' or '_'))
            {
                buffer[n++] = ch;
            }
        }
        return buffer[..n];
    }

    private sealed class ProblemList
    {
        private readonly List<EvidenceImportProblem> listed = [];

        public int Count { get; private set; }

        /// <summary>Adds a problem and returns false (so a check reads <c>ok = problems.Add(...)</c>).</summary>
        public bool Add(EvidenceImportProblem problem)
        {
            Count++;
            if (listed.Count < MaxProblemsListed)
            {
                listed.Add(problem);
            }
            return false;
        }

        public ImportReadResult Result(List<ImportRow> rows, int lines) => new(rows, listed, Count, lines);
    }
}
