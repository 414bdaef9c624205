using System.Buffers.Binary;
using System.Text;

namespace PersonalizedLearning.Bench.Circuits;

/// <summary>An element with an event handler, the component that rendered it, and the element's other attributes.</summary>
public sealed record EventTarget(int ComponentId, string Element, string EventName, ulong HandlerId, IReadOnlyDictionary<string, string?> Attributes);

/// <summary>What one render batch did to the event handlers: new elements with handlers, handlers re-assigned on an
/// existing element (a SetAttribute edit: the component and the event, not the element), and handlers disposed.</summary>
public sealed record HandlerChanges(List<EventTarget> Added, List<(int ComponentId, string EventName, ulong HandlerId)> Reassigned, List<ulong> Disposed)
{
    /// <summary>Components the batch rendered (one diff each) and components it disposed: the circuit's live components.</summary>
    public List<int> Rendered { get; } = [];
    public List<int> DisposedComponents { get; } = [];
}

/// <summary>
/// Reads just enough of Blazor's binary render batch (RenderBatchWriter's format, .NET 8+) to follow event handlers:
/// the updated components' edits (16 bytes each: type, sibling index, reference frame index, removed attribute name),
/// the reference frames (20 bytes each: type, then type-specific fields that point into the string table), the disposed
/// event handler ids and the string table. The trailer holds the offsets of the sections: updated components,
/// reference frames, disposed components, disposed event handlers, string table.
/// </summary>
public static class RenderBatchReader
{
    private const int PrependFrame = 1, SetAttribute = 3;
    private const int ElementFrame = 1, AttributeFrame = 3, FrameSize = 20, EditSize = 16;

    public static HandlerChanges Read(byte[] batch)
    {
        var span = batch.AsSpan();
        var n = batch.Length;
        // Five offsets (RenderBatchWriter as of .NET 10), or six if a named-events section precedes the string table.
        var trailer = Int(span, n - 24) < Int(span, n - 20) && Int(span, n - 20) < Int(span, n - 16) ? 6 : 5;
        var start = n - 4 * trailer;
        var updatedComponents = Int(span, start);
        var referenceFrames = Int(span, start + 4);
        var disposedComponents = Int(span, start + 8);
        var disposedHandlers = Int(span, start + 12);
        var stringTable = Int(span, n - 4);
        var stringCount = (start - stringTable) / 4;
        string? Str(int index) => index < 0 || index >= stringCount ? null : ReadString(batch, Int(batch, stringTable + 4 * index));
        int FrameAt(int index) => referenceFrames + 4 + index * FrameSize;

        var changes = new HandlerChanges([], [], []);
        var diffCount = Int(span, updatedComponents);
        for (var d = 0; d < diffCount; d++)
        {
            var diff = Int(span, updatedComponents + 4 + 4 * d);
            var componentId = Int(span, diff);
            changes.Rendered.Add(componentId);
            var edits = Int(span, diff + 4);
            for (var e = 0; e < edits; e++)
            {
                var edit = diff + 8 + e * EditSize;
                var type = Int(span, edit);
                var reference = Int(span, edit + 8);
                if (type == SetAttribute)
                {
                    var at = FrameAt(reference);
                    var handler = BinaryPrimitives.ReadUInt64LittleEndian(span[(at + 12)..]);
                    var name = Str(Int(span, at + 4)) ?? "";
                    if (handler != 0 && name.StartsWith("on", StringComparison.Ordinal))
                    {
                        changes.Reassigned.Add((componentId, name[2..], handler));
                    }
                }
                else if (type == PrependFrame && Int(span, FrameAt(reference)) == ElementFrame)
                {
                    var length = Int(span, FrameAt(reference) + 4);
                    ReadElements(span, reference, length, componentId, FrameAt, Str, changes.Added);
                }
            }
        }
        var gone = Int(span, disposedComponents);
        for (var i = 0; i < gone; i++)
        {
            changes.DisposedComponents.Add(Int(span, disposedComponents + 4 + 4 * i));
        }
        var disposed = Int(span, disposedHandlers);
        for (var i = 0; i < disposed; i++)
        {
            changes.Disposed.Add(BinaryPrimitives.ReadUInt64LittleEndian(span[(disposedHandlers + 4 + 8 * i)..]));
        }
        return changes;
    }

    // An element's attributes follow it directly; children (elements, text, regions) come after them in the subtree.
    private static void ReadElements(ReadOnlySpan<byte> span, int first, int length, int componentId,
        Func<int, int> frameAt, Func<int, string?> str, List<EventTarget> found)
    {
        string? element = null;
        var attributes = new Dictionary<string, string?>(StringComparer.Ordinal);
        var handlers = new List<(string Name, ulong Id)>();
        void Flush()
        {
            if (element is not null)
            {
                found.AddRange(handlers.Select(h => new EventTarget(componentId, element, h.Name, h.Id, attributes)));
            }
            element = null;
            handlers = [];
        }
        for (var i = first; i < first + length; i++)
        {
            var at = frameAt(i);
            var type = Int(span, at);
            if (type == AttributeFrame && element is not null)
            {
                var name = str(Int(span, at + 4)) ?? "";
                var handler = BinaryPrimitives.ReadUInt64LittleEndian(span[(at + 12)..]);
                if (handler != 0 && name.StartsWith("on", StringComparison.Ordinal))
                {
                    handlers.Add((name[2..], handler));
                }
                else
                {
                    attributes[name] = str(Int(span, at + 8));
                }
                continue;
            }
            Flush();
            if (type == ElementFrame)
            {
                element = str(Int(span, at + 8));
                attributes = new Dictionary<string, string?>(StringComparer.Ordinal);
            }
        }
        Flush();
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
