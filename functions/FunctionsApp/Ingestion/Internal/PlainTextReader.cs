namespace FunctionsApp.Ingestion.Internal;

/// <summary>Plain text: one line per <c>\n</c> (a trailing <c>\r</c> dropped); a final unterminated line counts.</summary>
internal static class PlainTextReader
{
    /// <summary>A whole body of plain lines.</summary>
    public static async Task ReadAllAsync(Stream body, ILineWriter sink, CancellationToken cancellationToken)
    {
        using var buffer = new ByteBuffer();
        await buffer.FillAsync(body, cancellationToken);
        await ReadAsync(buffer, body, sink, cancellationToken);
    }

    public static async Task ReadAsync(ByteBuffer buffer, Stream body, ILineWriter sink, CancellationToken cancellationToken)
    {
        while (true)
        {
            buffer.Consume(WriteLines(buffer.Data, sink, buffer.IsEndOfStream));
            if (buffer.IsEndOfStream)
            {
                return;
            }

            await buffer.FillAsync(body, cancellationToken);
        }
    }

    private static int WriteLines(ReadOnlySpan<byte> data, ILineWriter sink, bool final)
    {
        var consumed = 0;
        int newline;
        while ((newline = data[consumed..].IndexOf((byte)'\n')) >= 0)
        {
            sink.Write(TrimCarriageReturn(data.Slice(consumed, newline), sink));
            consumed += newline + 1;
        }

        if (final && consumed < data.Length)
        {
            sink.NoteRewritten(); // stored with the LF it lacks
            sink.Write(TrimCarriageReturn(data[consumed..], sink));
            consumed = data.Length;
        }

        return consumed;
    }

    private static ReadOnlySpan<byte> TrimCarriageReturn(ReadOnlySpan<byte> line, ILineWriter sink)
    {
        if (line.Length > 0 && line[^1] == (byte)'\r')
        {
            sink.NoteRewritten();
            return line[..^1];
        }

        return line;
    }
}
