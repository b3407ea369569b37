using System.IO.Compression;
using System.Text;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.Incidents;

/// <summary>A log to read: a name for messages and a way to open it. <c>.gz</c> inputs are decompressed on the fly.</summary>
/// <param name="Name">For messages and the report.</param>
/// <param name="Open">Opens the input from its start.</param>
/// <param name="CanReopen">Whether <paramref name="Open"/> may be called again (not for standard input): the error
/// log's time zone is found by a first pass over both logs when the access log does not tell it.</param>
internal sealed record LogInput(string Name, Func<Stream> Open, bool CanReopen = true)
{
    /// <summary>The input was written newest line first, and <see cref="Open"/> reads it last line first.</summary>
    public bool NewestFirst { get; init; }

    /// <summary>A file, or standard input for <c>-</c>.</summary>
    public static LogInput FromPath(string path)
    {
        if (path == "-")
        {
            return new LogInput("stdin", () => PrettyJsonLines.Wrap(Console.OpenStandardInput()), CanReopen: false);
        }

        bool indented;
        using (var head = OpenFile(path))
        {
            indented = PrettyJsonLines.IsIndentedJson(head);
        }

        if (!indented)
        {
            return new LogInput(path, () => OpenFile(path));
        }

        // Records one a line in a file of their own, written once: it can be read again, and read backwards (a log
        // UI's export lists the newest first).
        var flattened = new Lazy<string>(() => PrettyJsonLines.Flatten(OpenFile(path)));
        return new LogInput(path, () => new FileStream(flattened.Value, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan));
    }

    /// <summary>
    /// The file's bytes as UTF-8: a log saved as UTF-16 (Windows PowerShell 5.1's <c>&gt;</c> and <c>Out-File</c>
    /// write it, with or without a byte order mark) is transcoded as it is read.
    /// </summary>
    private static Stream OpenFile(string path) =>
        Utf16Of(path) is { } encoding ? Encoding.CreateTranscodingStream(OpenBytes(path), encoding, Encoding.UTF8) : OpenBytes(path);

    private static Stream OpenBytes(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
        return path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(stream, CompressionMode.Decompress) : stream;
    }

    /// <summary>UTF-16 by its byte order mark, or by text whose every other byte is zero (ASCII as UTF-16LE).</summary>
    private static Encoding? Utf16Of(string path)
    {
        using var stream = OpenBytes(path);
        Span<byte> head = stackalloc byte[4];
        var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return head[..read] switch
        {
            [0xFF, 0xFE, 0, 0] => null,
            [0xFF, 0xFE, ..] => Encoding.Unicode,
            [0xFE, 0xFF, ..] => Encoding.BigEndianUnicode,
            [> 0, 0, > 0, 0] => Encoding.Unicode,
            _ => null,
        };
    }
}

/// <summary>What was read from one input.</summary>
public sealed record InputReport(string Name, string Kind, long Lines, long Parsed)
{
    /// <summary>The prefix shape removed from its lines (<c>syslog-rfc3164</c>, <c>docker-compose+rfc3339</c>), or null.</summary>
    public string? Prefix { get; init; }

    /// <summary>True when the input listed its lines newest first and was read last line first; else null.</summary>
    public bool? NewestFirst { get; init; }
}
