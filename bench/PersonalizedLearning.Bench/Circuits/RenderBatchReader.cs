using System.Buffers.Binary;
using System.Text;

namespace PersonalizedLearning.Bench.Circuits;

/// <summary>An element in a render batch that has an event handler, with the element's other attributes.</summary>
public sealed record EventTarget(string Element, string EventName, ulong HandlerId, IReadOnlyDictionary<string, string?> Attributes);

/// <summary>
/// Reads just enough of Blazor's binary render batch (RenderBatchWriter's format) to find event handlers: the reference
/// frames (20 bytes each: type, then type-specific fields that point into the string table) and the string table.
/// </summary>
public static class RenderBatchReader
{
    private const int Element = 1, Attribute = 3, FrameSize = 20;

    public static List<EventTarget> EventTargets(byte[] batch)
    {
        var span = batch.AsSpan();
        var stringTableOffset = Int(span, batch.Length - 4);
        // The trailer holds one offset per section; the first section (updated components) starts at 0. .NET 8+
        // added a named-events section, so the trailer is 6 offsets (5 before).
        var referenceFramesOffset = Int(span, batch.Length - 24) == 0 ? Int(span, batch.Length - 20) : Int(span, batch.Length - 16);
        var stringCount = (batch.Length - 4 * (Int(span, batch.Length - 24) == 0 ? 6 : 5) - stringTableOffset) / 4;
        string? Str(int index) => index < 0 || index >= stringCount ? null : ReadString(batch, Int(batch, stringTableOffset + 4 * index));

        var found = new List<EventTarget>();
        var count = Int(span, referenceFramesOffset);
        string? element = null;
        var attributes = new Dictionary<string, string?>(StringComparer.Ordinal);
        var handlers = new List<(string Name, ulong Id)>();
        void Flush()
        {
            if (element is not null)
            {
                found.AddRange(handlers.Select(h => new EventTarget(element, h.Name, h.Id, attributes)));
            }
            element = null;
            handlers = [];
        }
        for (var i = 0; i < count; i++)
        {
            var at = referenceFramesOffset + 4 + i * FrameSize;
            var type = Int(span, at);
            if (type == Attribute && element is not null)
            {
                var name = Str(Int(span, at + 4)) ?? "";
                var handler = BinaryPrimitives.ReadUInt64LittleEndian(span[(at + 12)..]);
                if (handler != 0 && name.StartsWith("on", StringComparison.Ordinal))
                {
                    handlers.Add((name[2..], handler));
                }
                else
                {
                    attributes[name] = Str(Int(span, at + 8));
                }
                continue;
            }
            // An element's attributes follow it directly: any other frame ends them.
            Flush();
            if (type == Element)
            {
                element = Str(Int(span, at + 8));
                attributes = new Dictionary<string, string?>(StringComparer.Ordinal);
            }
        }
        Flush();
        return found;
    }

    private static int Int(ReadOnlySpan<byte> span, int at) => BinaryPrimitives.ReadInt32LittleEndian(span[at..]);

    // Strings are written by BinaryWriter: a 7-bit-encoded byte length, then UTF-8.
    private static string ReadString(byte[] batch, int at)
    {
        int length = 0, shift = 0;
        byte b;
        do
        {
            b = batch[at++];
            length |= (b & 0x7F) << shift;
            shift += 7;
        }
        while ((b & 0x80) != 0);
        return Encoding.UTF8.GetString(batch, at, length);
    }
}
