namespace FunctionsApp.Ingestion.Internal;

/// <summary>
/// Sniffs the decoded body (Content-Type is not trusted: shippers label JSON as text and the reverse) and hands it
/// to the plain-text or JSON reader.
/// </summary>
internal static class BodyReader
{
    private const int BinarySniffLength = 8 * 1024;

    public static async Task ReadAsync(Stream body, ILineWriter sink, IReadOnlyList<string> lineKeys, CancellationToken cancellationToken)
    {
        using var buffer = new ByteBuffer();
        while (!buffer.IsEndOfStream && buffer.Data.Length < BinarySniffLength)
        {
            await buffer.FillAsync(body, cancellationToken);
        }

        var head = buffer.Data;
        ReadOnlySpan<byte> byteOrderMark = [0xEF, 0xBB, 0xBF];
        if (head.StartsWith(byteOrderMark))
        {
            sink.NoteRewritten();
            buffer.Consume(byteOrderMark.Length);
            head = buffer.Data;
        }

        if (head[..Math.Min(head.Length, BinarySniffLength)].Contains((byte)0))
        {
            throw new UnsupportedBodyException("The body is binary (it contains NUL bytes), not log lines or JSON.");
        }

        var first = head.TrimStart(" \t\r\n"u8);
        if (first.Length > 0 && first[0] is (byte)'{' or (byte)'[')
        {
            sink.NoteRewritten(); // records become lines
            using var json = new JsonBodyReader(sink, lineKeys);
            await json.ReadAsync(buffer, body, cancellationToken);
        }
        else
        {
            await PlainTextReader.ReadAsync(buffer, body, sink, cancellationToken);
        }
    }
}
