using System.IO.Compression;
using System.Text;

namespace PersonalizedLearning.TestSupport;

/// <summary>Builds OneRoster CSV zips in memory for tests: files by name, and a manifest naming their mode.</summary>
public sealed class RosterZip
{
    private static readonly string[] DataFiles =
        ["orgs", "academicSessions", "courses", "classes", "users", "enrollments", "roles", "demographics"];

    private readonly Dictionary<string, string> files = [];

    public string Version { get; init; } = "1.2";

    /// <summary>"bulk" or "delta" for every file present; the others are "absent".</summary>
    public string Mode { get; init; } = "bulk";

    public bool WithManifest { get; init; } = true;

    public RosterZip Add(string name, params string[] lines)
    {
        files[name] = string.Join("\r\n", lines) + "\r\n";
        return this;
    }

    public MemoryStream Build()
    {
        var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            if (WithManifest)
            {
                var manifest = new StringBuilder("propertyName,value\r\nmanifest.version,1.0\r\n");
                manifest.Append("oneroster.version,").Append(Version).Append("\r\n");
                foreach (var file in DataFiles)
                {
                    manifest.Append("file.").Append(file).Append(',').Append(files.ContainsKey(file + ".csv") ? Mode : "absent").Append("\r\n");
                }
                manifest.Append("source.systemName,Test SIS\r\n");
                Write(zip, "manifest.csv", manifest.ToString());
            }
            foreach (var (name, text) in files)
            {
                Write(zip, name, text);
            }
        }
        stream.Position = 0;
        return stream;
    }

    private static void Write(ZipArchive zip, string name, string text)
    {
        using var writer = new StreamWriter(zip.CreateEntry(name).Open(), new UTF8Encoding(false));
        writer.Write(text);
    }
}
