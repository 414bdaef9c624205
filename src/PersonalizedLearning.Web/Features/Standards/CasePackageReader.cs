using System.Globalization;
using System.Text.Json;

namespace PersonalizedLearning.Web.Features.Standards;

/// <summary>
/// Reads a 1EdTech CASE CFPackage (CFDocument, CFItems, CFAssociations) with System.Text.Json and maps it to
/// standards: leniently (CASE 1.0 and 1.1 spellings, property names in any case, numbers written as strings, dates
/// without a time zone, optional fields missing) but reporting every problem with its JSON path. Pure: no I/O.
/// </summary>
public static class CasePackageReader
{
    public const int MaxIdentifierLength = 100;
    public const int MaxCodeLength = 50;
    public const int MaxStatementLength = 2000;
    public const int MaxTitleLength = 200;
    public const int MaxGradeLevelsLength = 50;

    private static readonly string[] ChildOf = ["isChildOf"];
    // "origin precedes destination": the origin is a prerequisite of the destination.
    private static readonly string[] PrerequisiteOf = ["precedes", "isPrerequisiteOf", "prerequisiteOf"];
    // "origin has prerequisite destination": the destination is a prerequisite of the origin.
    private static readonly string[] HasPrerequisite = ["hasPrerequisite", "requires"];

    public static CaseReadResult Read(ReadOnlySpan<byte> json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions
            {
                AllowTrailingCommas = true,
                CommentHandling = JsonCommentHandling.Skip,
            });
            return Read(doc.RootElement);
        }
        catch (JsonException ex)
        {
            return new CaseReadResult(null, [new CaseProblem(
                "$", true, "Case.Problem.NotJson", (int)(ex.LineNumber ?? 0) + 1, (int)(ex.BytePositionInLine ?? 0) + 1)]);
        }
    }

    public static CaseReadResult Read(JsonElement root)
    {
        var problems = new List<CaseProblem>();
        void Error(string path, string key, params object[] args) => problems.Add(new CaseProblem(path, true, key, args));
        void Warn(string path, string key, params object[] args) => problems.Add(new CaseProblem(path, false, key, args));

        if (root.ValueKind != JsonValueKind.Object)
        {
            Error("$", "Case.Problem.NotObject");
            return new CaseReadResult(null, problems);
        }
        var basePath = "$";
        if (Prop(root, "CFPackage") is { ValueKind: JsonValueKind.Object } wrapped)
        {
            root = wrapped;
            basePath = "$.CFPackage";
        }

        // CFDocument
        CaseDocument? document = null;
        var docPath = $"{basePath}.CFDocument";
        if (Prop(root, "CFDocument") is not { ValueKind: JsonValueKind.Object } cfDoc)
        {
            Error(docPath, "Case.Problem.Missing");
        }
        else
        {
            var id = Identifier(cfDoc, docPath, Error);
            var title = Text(cfDoc, "title");
            if (title is null)
            {
                Error($"{docPath}.title", "Case.Problem.Missing");
            }
            CheckDate(cfDoc, docPath, Warn);
            if (id is not null && title is not null)
            {
                if (title.Length > MaxTitleLength)
                {
                    Warn($"{docPath}.title", "Case.Problem.Shortened", MaxTitleLength);
                    title = title[..MaxTitleLength];
                }
                document = new CaseDocument(id, title);
            }
        }

        // CFItems
        var itemsPath = $"{basePath}.CFItems";
        var items = new List<(string Id, string Code, string Statement, string Grades, int Index)>();
        var itemIndex = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var cfItems = Prop(root, "CFItems");
        if (cfItems is not { ValueKind: JsonValueKind.Array })
        {
            Error(itemsPath, cfItems is null ? "Case.Problem.Missing" : "Case.Problem.NotArray");
        }
        else if (cfItems.Value.GetArrayLength() == 0)
        {
            Error(itemsPath, "Case.Problem.NoItems");
        }
        else
        {
            var i = -1;
            foreach (var item in cfItems.Value.EnumerateArray())
            {
                i++;
                var path = $"{itemsPath}[{i}]";
                if (item.ValueKind != JsonValueKind.Object)
                {
                    Error(path, "Case.Problem.NotObject");
                    continue;
                }
                var id = Identifier(item, path, Error);
                var statement = Text(item, "fullStatement");
                if (statement is null)
                {
                    Error($"{path}.fullStatement", "Case.Problem.Missing");
                }
                else if (statement.Length > MaxStatementLength)
                {
                    Warn($"{path}.fullStatement", "Case.Problem.Shortened", MaxStatementLength);
                    statement = statement[..MaxStatementLength];
                }
                CheckDate(item, path, Warn);
                if (id is null || statement is null)
                {
                    continue;
                }
                if (itemIndex.TryGetValue(id, out var first))
                {
                    Error($"{path}.identifier", "Case.Problem.DuplicateIdentifier", id, $"{itemsPath}[{items[first].Index}]");
                    continue;
                }
                var code = Text(item, "humanCodingScheme");
                if (code is null)
                {
                    code = Text(item, "abbreviatedStatement") is { Length: <= MaxCodeLength } a ? a
                        : Text(item, "listEnumeration") ?? id[..Math.Min(8, id.Length)];
                    Warn($"{path}.humanCodingScheme", "Case.Problem.NoCode", code);
                }
                if (code.Length > MaxCodeLength)
                {
                    Warn($"{path}.humanCodingScheme", "Case.Problem.Shortened", MaxCodeLength);
                    code = code[..MaxCodeLength];
                }
                itemIndex[id] = items.Count;
                items.Add((id, code, statement, GradeLevels(item, path, Warn), i));
            }
        }

        // CFAssociations
        var parents = new Dictionary<string, (string Parent, int? Seq, string Path)>(StringComparer.OrdinalIgnoreCase);
        var rootSeq = new Dictionary<string, int?>(StringComparer.OrdinalIgnoreCase);
        var prerequisites = new List<CasePrerequisite>();
        var assocPath = $"{basePath}.CFAssociations";
        var cfAssociations = Prop(root, "CFAssociations");
        if (cfAssociations is { ValueKind: not JsonValueKind.Array and not JsonValueKind.Null })
        {
            Error(assocPath, "Case.Problem.NotArray");
        }
        else if (cfAssociations is { ValueKind: JsonValueKind.Array } associations)
        {
            var j = -1;
            foreach (var a in associations.EnumerateArray())
            {
                j++;
                var path = $"{assocPath}[{j}]";
                if (a.ValueKind != JsonValueKind.Object)
                {
                    Error(path, "Case.Problem.NotObject");
                    continue;
                }
                var type = Text(a, "associationType");
                if (type is null)
                {
                    Error($"{path}.associationType", "Case.Problem.Missing");
                    continue;
                }
                var isChild = ChildOf.Contains(type, StringComparer.OrdinalIgnoreCase);
                var isPrereq = PrerequisiteOf.Contains(type, StringComparer.OrdinalIgnoreCase);
                var hasPrereq = HasPrerequisite.Contains(type, StringComparer.OrdinalIgnoreCase);
                if (!isChild && !isPrereq && !hasPrereq)
                {
                    continue; // isRelatedTo, exactMatchOf, exemplar …: not used here.
                }
                var origin = NodeIdentifier(a, "originNodeURI", "originNodeIdentifier", $"{path}.originNodeURI", Error);
                var destination = NodeIdentifier(a, "destinationNodeURI", "destinationNodeIdentifier", $"{path}.destinationNodeURI", Error);
                var seq = SequenceNumber(a, path, Warn);
                if (origin is null || destination is null)
                {
                    continue;
                }
                if (isChild)
                {
                    if (!itemIndex.ContainsKey(origin))
                    {
                        Warn($"{path}.originNodeURI", "Case.Problem.UnknownNode", origin);
                    }
                    else if (document is not null && string.Equals(destination, document.Identifier, StringComparison.OrdinalIgnoreCase))
                    {
                        rootSeq[origin] = seq;
                    }
                    else if (!itemIndex.ContainsKey(destination))
                    {
                        Warn($"{path}.destinationNodeURI", "Case.Problem.UnknownParent", destination);
                    }
                    else if (parents.TryGetValue(origin, out var existing))
                    {
                        if (!string.Equals(existing.Parent, destination, StringComparison.OrdinalIgnoreCase))
                        {
                            Warn(path, "Case.Problem.SecondParent", existing.Path);
                        }
                    }
                    else if (string.Equals(origin, destination, StringComparison.OrdinalIgnoreCase))
                    {
                        Error(path, "Case.Problem.OwnParent");
                    }
                    else
                    {
                        parents[origin] = (destination, seq, path);
                    }
                    continue;
                }
                var (before, after) = isPrereq ? (origin, destination) : (destination, origin);
                if (!itemIndex.TryGetValue(before, out var b))
                {
                    Warn(path, "Case.Problem.UnknownNode", before);
                }
                else if (!itemIndex.TryGetValue(after, out var c))
                {
                    Warn(path, "Case.Problem.UnknownNode", after);
                }
                else if (b != c)
                {
                    prerequisites.Add(new CasePrerequisite(items[b].Id, items[c].Id));
                }
            }
        }

        // A cycle in isChildOf would make the hierarchy endless.
        foreach (var start in parents.Keys)
        {
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { start };
            var at = start;
            while (parents.TryGetValue(at, out var p))
            {
                if (!seen.Add(p.Parent))
                {
                    Error(parents[start].Path, "Case.Problem.Cycle", start);
                    break;
                }
                at = p.Parent;
            }
        }

        if (problems.Any(p => p.IsError) || document is null)
        {
            return new CaseReadResult(null, problems);
        }

        // Order: depth first, siblings by sequenceNumber (then by their place in the file).
        var children = items.GroupBy(it => parents.TryGetValue(it.Id, out var p) ? items[itemIndex[p.Parent]].Id : "")
            .ToDictionary(g => g.Key, g => g.OrderBy(it => (parents.TryGetValue(it.Id, out var p) ? p.Seq : rootSeq.GetValueOrDefault(it.Id)) ?? int.MaxValue)
                .ThenBy(it => it.Index).ToList());
        var standards = new List<CaseStandard>();
        var codes = new HashSet<string>(StringComparer.Ordinal);
        void Visit(string parent)
        {
            foreach (var it in children.GetValueOrDefault(parent) ?? [])
            {
                var code = it.Code;
                for (var n = 2; !codes.Add(code); n++)
                {
                    var suffix = $" ({n})";
                    code = it.Code[..Math.Min(it.Code.Length, MaxCodeLength - suffix.Length)] + suffix;
                }
                if (code != it.Code)
                {
                    Warn($"{itemsPath}[{it.Index}].humanCodingScheme", "Case.Problem.DuplicateCode", it.Code, code);
                }
                standards.Add(new CaseStandard(it.Id, code, it.Statement, it.Grades, parent.Length == 0 ? null : parent, standards.Count + 1));
                Visit(it.Id);
            }
        }
        Visit("");
        var distinctPrerequisites = prerequisites.DistinctBy(p => (p.Prerequisite.ToUpperInvariant(), p.Standard.ToUpperInvariant())).ToList();
        return new CaseReadResult(new CasePackage(document, standards, distinctPrerequisites), problems);
    }

    /// <summary>A property by any of its names, ignoring case (CASE 1.0 and 1.1 and real packages differ).</summary>
    private static JsonElement? Prop(JsonElement obj, params string[] names)
    {
        foreach (var name in names)
        {
            foreach (var p in obj.EnumerateObject())
            {
                if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    return p.Value;
                }
            }
        }
        return null;
    }

    /// <summary>Trimmed text of a string (or number) property; null when missing or blank.</summary>
    private static string? Text(JsonElement obj, params string[] names)
    {
        var text = Prop(obj, names) switch
        {
            { ValueKind: JsonValueKind.String } s => s.GetString(),
            { ValueKind: JsonValueKind.Number } n => n.GetRawText(),
            _ => null,
        };
        return string.IsNullOrWhiteSpace(text) ? null : text.Trim();
    }

    private static string? Identifier(JsonElement obj, string path, Action<string, string, object[]> error)
    {
        var id = Text(obj, "identifier");
        if (id is null)
        {
            error($"{path}.identifier", "Case.Problem.Missing", []);
        }
        else if (id.Length > MaxIdentifierLength)
        {
            error($"{path}.identifier", "Case.Problem.TooLong", [MaxIdentifierLength]);
            return null;
        }
        return id;
    }

    /// <summary>The node an association points at: LinkURI object's identifier (or the last segment of its uri), or a plain string.</summary>
    private static string? NodeIdentifier(JsonElement a, string name, string altName, string path, Action<string, string, object[]> error)
    {
        var node = Prop(a, name, altName, name.Replace("URI", "", StringComparison.Ordinal));
        string? id = node switch
        {
            { ValueKind: JsonValueKind.Object } o => Text(o, "identifier") ?? LastSegment(Text(o, "uri")),
            { ValueKind: JsonValueKind.String } s => LastSegment(s.GetString()),
            _ => null,
        };
        if (id is null)
        {
            error(path, "Case.Problem.Missing", []);
        }
        return id;
    }

    private static string? LastSegment(string? uri)
    {
        if (string.IsNullOrWhiteSpace(uri))
        {
            return null;
        }
        var trimmed = uri.Trim().TrimEnd('/');
        var slash = trimmed.LastIndexOf('/');
        return slash < 0 ? trimmed : trimmed[(slash + 1)..];
    }

    private static int? SequenceNumber(JsonElement a, string path, Action<string, string, object[]> warn)
    {
        var seq = Prop(a, "sequenceNumber");
        switch (seq)
        {
            case null or { ValueKind: JsonValueKind.Null }:
                return null;
            case { ValueKind: JsonValueKind.Number } n when n.TryGetDecimal(out var d):
                return (int)Math.Clamp(Math.Round(d), int.MinValue, int.MaxValue);
            case { ValueKind: JsonValueKind.String } s when decimal.TryParse(s.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d):
                return (int)Math.Clamp(Math.Round(d), int.MinValue, int.MaxValue);
            default:
                warn($"{path}.sequenceNumber", "Case.Problem.NotANumber", [seq.Value.ToString()]);
                return null;
        }
    }

    /// <summary>lastChangeDateTime: ISO 8601 with or without a time zone (then UTC), or a date alone. Only checked.</summary>
    private static void CheckDate(JsonElement obj, string path, Action<string, string, object[]> warn)
    {
        if (Text(obj, "lastChangeDateTime") is { } text && ParseDate(text) is null)
        {
            warn($"{path}.lastChangeDateTime", "Case.Problem.NotADate", [text]);
        }
    }

    public static DateTimeOffset? ParseDate(string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var d)
            ? d : null;

    /// <summary>educationLevel (array, or a comma-separated string) as "6-8", "K-2" or "6,9"; "" for all grades.</summary>
    private static string GradeLevels(JsonElement item, string path, Action<string, string, object[]> warn)
    {
        var raw = Prop(item, "educationLevel") switch
        {
            { ValueKind: JsonValueKind.Array } arr => arr.EnumerateArray()
                .Select(e => e.ValueKind is JsonValueKind.String or JsonValueKind.Number ? (e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText()) : null)
                .OfType<string>().ToList(),
            { ValueKind: JsonValueKind.String } s => [.. (s.GetString() ?? "").Split(',', ';')],
            _ => [],
        };
        var levels = raw.Select(r => r.Trim()).Where(r => r.Length > 0).Select(NormalizeGrade).Distinct().ToList();
        if (levels.Count == 0)
        {
            return "";
        }
        var numbers = levels.Select(l => l == "K" ? 0 : int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1).ToList();
        string text;
        if (levels.Count > 1 && numbers.All(n => n >= 0) && numbers.Max() - numbers.Min() == numbers.Count - 1)
        {
            string Name(int n) => n == 0 ? "K" : n.ToString(CultureInfo.InvariantCulture);
            text = $"{Name(numbers.Min())}-{Name(numbers.Max())}";
        }
        else
        {
            IEnumerable<string> ordered = numbers.All(n => n >= 0) ? levels.OrderBy(l => numbers[levels.IndexOf(l)]) : levels;
            text = string.Join(",", ordered);
        }
        if (text.Length > MaxGradeLevelsLength)
        {
            warn($"{path}.educationLevel", "Case.Problem.Shortened", [MaxGradeLevelsLength]);
            text = text[..MaxGradeLevelsLength];
        }
        return text;
    }

    private static string NormalizeGrade(string level)
    {
        var upper = level.ToUpperInvariant();
        if (upper is "KG" or "K" or "00")
        {
            return "K";
        }
        return int.TryParse(level, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n.ToString(CultureInfo.InvariantCulture) : level;
    }
}
