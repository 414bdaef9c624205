using System.Text.Json.Nodes;

namespace PersonalizedLearning.TestSupport;

/// <summary>
/// CASE packages written for the tests: a realistic three-level science framework (domains → clusters → standards)
/// mixing CASE 1.0 and 1.1 spellings (CFItemType / CFItemTypeURI, uri / CFPackageURI), sequence numbers as strings,
/// dates without a time zone, prerequisites by "precedes" and "isPrerequisiteOf", and an unrelated association; and a
/// broken package with known problems.
/// </summary>
public static class CaseSamples
{
    public const string DocumentId = "c5e0a1d2-0000-4000-8000-00000000d0c0";
    public const string Title = "Cedar Test Science 6–8";

    public static string Id(string local) => local switch
    {
        "PS" => "c5e0a1d2-0000-4000-8000-000000000001",
        "LS" => "c5e0a1d2-0000-4000-8000-000000000002",
        "PS1" => "c5e0a1d2-0000-4000-8000-000000000011",
        "PS2" => "c5e0a1d2-0000-4000-8000-000000000012",
        "PS1a" => "c5e0a1d2-0000-4000-8000-000000000111",
        "PS1b" => "c5e0a1d2-0000-4000-8000-000000000112",
        "PS2a" => "c5e0a1d2-0000-4000-8000-000000000121",
        "PS2b" => "c5e0a1d2-0000-4000-8000-000000000122",
        "LS1" => "c5e0a1d2-0000-4000-8000-000000000021",
        _ => throw new ArgumentOutOfRangeException(nameof(local)),
    };

    /// <summary>The science package; <paramref name="ps1aStatement"/> lets a test change one statement for a re-import.</summary>
    public static string Science(string ps1aStatement = "Describe the structure of atoms and simple molecules.", bool withLifeScience = true)
    {
        var items = new JsonArray
        {
            Item("PS", "SCI.PS", "Physical science: matter, motion and energy.", new JsonArray("06", "07", "08"), type10: "Domain"),
            Item("PS1", "SCI.PS.1", "Matter and its interactions.", new JsonArray("06", "07"), type11: "Cluster"),
            Item("PS1a", "SCI.PS.1.a", ps1aStatement, "06", type11: "Standard"),
            Item("PS1b", "SCI.PS.1.b", "Explain that substances react chemically in characteristic ways.", new JsonArray("06", "07"), type10: "Standard"),
            Item("PS2", "SCI.PS.2", "Motion and stability: forces and interactions.", new JsonArray("07", "08"), type11: "Cluster"),
            Item("PS2a", "SCI.PS.2.a", "Apply Newton's third law to the motion of two colliding objects.", new JsonArray("07"), type10: "Standard"),
            Item("PS2b", "SCI.PS.2.b", "Plan an investigation of the forces on an object and its change of motion.", new JsonArray("08"), type11: "Standard",
                lastChange: "2024-03-01T10:00:00"),
        };
        var associations = new JsonArray
        {
            ChildOf("PS", null, "1"),
            ChildOf("PS1", "PS", 1),
            ChildOf("PS1b", "PS1", "1"),   // b before a: sequence numbers decide, not file order
            ChildOf("PS1a", "PS1", "2"),
            ChildOf("PS2", "PS", "2"),
            ChildOf("PS2a", "PS2", 1),
            ChildOf("PS2b", "PS2", 2),
            Link("precedes", "PS1a", "PS2a"),
            Link("isPrerequisiteOf", "PS2a", "PS2b"),
            Link("isRelatedTo", "PS1b", "PS2b"),
        };
        if (withLifeScience)
        {
            items.Add(Item("LS", "SCI.LS", "Life science: from molecules to organisms.", new JsonArray("06", "07", "08"), type10: "Domain"));
            items.Add(Item("LS1", "SCI.LS.1", "Construct an explanation of how cells make up living things.", "KG, 06", type11: "Standard"));
            associations.Add(ChildOf("LS", null, "2"));
            associations.Add(ChildOf("LS1", "LS", "1"));
            associations.Add(Link("precedes", "PS1a", "LS1"));
        }
        var package = new JsonObject
        {
            ["CFDocument"] = new JsonObject
            {
                ["identifier"] = DocumentId,
                ["uri"] = $"https://case.example.org/ims/case/v1p0/CFDocuments/{DocumentId}",
                ["CFPackageURI"] = new JsonObject { ["title"] = Title, ["identifier"] = DocumentId, ["uri"] = $"https://case.example.org/ims/case/v1p0/CFPackages/{DocumentId}" },
                ["creator"] = "Cedar Valley Test Office",
                ["title"] = Title,
                ["lastChangeDateTime"] = "2024-01-15T08:00:00",
                ["language"] = "en",
                ["adoptionStatus"] = "Adopted",
            },
            ["CFItems"] = items,
            ["CFAssociations"] = associations,
        };
        return package.ToJsonString();
    }

    /// <summary>A package with problems at known paths (and nothing usable): see <see cref="BrokenPaths"/>.</summary>
    public static string Broken()
    {
        var package = new JsonObject
        {
            ["CFDocument"] = new JsonObject { ["identifier"] = DocumentId + "-broken" },
            ["CFItems"] = new JsonArray
            {
                Item("PS", "SCI.PS", "Physical science.", "06"),
                new JsonObject { ["fullStatement"] = "An item without an identifier." },
                new JsonObject { ["identifier"] = Id("PS1") },
                Item("PS", "SCI.PS.dup", "The same identifier again.", "07"),
            },
            ["CFAssociations"] = new JsonArray
            {
                new JsonObject { ["originNodeURI"] = Node("PS"), ["destinationNodeURI"] = Node("PS1") },
                new JsonObject { ["associationType"] = "isChildOf", ["destinationNodeURI"] = Node("PS") },
            },
        };
        return package.ToJsonString();
    }

    public static readonly string[] BrokenPaths =
    [
        "$.CFDocument.title",
        "$.CFItems[1].identifier",
        "$.CFItems[2].fullStatement",
        "$.CFItems[3].identifier",
        "$.CFAssociations[0].associationType",
        "$.CFAssociations[1].originNodeURI",
    ];

    private static JsonObject Item(string local, string code, string statement, JsonNode levels,
        string? type10 = null, string? type11 = null, string? lastChange = null)
    {
        var item = new JsonObject
        {
            ["identifier"] = Id(local),
            ["uri"] = $"https://case.example.org/ims/case/v1p0/CFItems/{Id(local)}",
            ["fullStatement"] = statement,
            ["humanCodingScheme"] = code,
            ["educationLevel"] = levels,
            ["CFDocumentURI"] = new JsonObject { ["title"] = Title, ["identifier"] = DocumentId, ["uri"] = "https://case.example.org/doc" },
            ["lastChangeDateTime"] = lastChange ?? "2024-01-15T08:00:00+00:00",
        };
        if (type10 is not null)
        {
            item["CFItemType"] = type10;
        }
        if (type11 is not null)
        {
            item["CFItemTypeURI"] = new JsonObject { ["title"] = type11, ["identifier"] = Guid.NewGuid().ToString(), ["uri"] = "https://case.example.org/types" };
        }
        return item;
    }

    private static JsonObject Node(string? local) => local is null
        ? new JsonObject { ["title"] = Title, ["identifier"] = DocumentId, ["uri"] = $"https://case.example.org/ims/case/v1p0/CFDocuments/{DocumentId}" }
        : new JsonObject { ["title"] = local, ["identifier"] = Id(local), ["uri"] = $"https://case.example.org/ims/case/v1p0/CFItems/{Id(local)}" };

    private static JsonObject ChildOf(string child, string? parent, JsonNode sequence) => new()
    {
        ["identifier"] = Guid.NewGuid().ToString(),
        ["associationType"] = "isChildOf",
        ["sequenceNumber"] = sequence,
        ["originNodeURI"] = Node(child),
        ["destinationNodeURI"] = Node(parent),
        ["lastChangeDateTime"] = "2024-01-15",
    };

    private static JsonObject Link(string type, string origin, string destination) => new()
    {
        ["identifier"] = Guid.NewGuid().ToString(),
        ["associationType"] = type,
        ["originNodeURI"] = Node(origin),
        ["destinationNodeURI"] = Node(destination),
    };
}
