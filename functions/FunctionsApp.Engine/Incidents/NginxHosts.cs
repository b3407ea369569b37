namespace FunctionsApp.Incidents;

/// <summary>The system nginx runs on, as far as its error lines tell.</summary>
internal enum NginxHost
{
    /// <summary>Nothing says: Linux, by far the commonest, is assumed.</summary>
    Unknown = 0,

    /// <summary>nginx for Windows: its socket errors are Winsock's, numbered 100xx (<c>10061</c> for a refusal).</summary>
    Windows,

    /// <summary>FreeBSD or macOS: their refusal is errno 61 and their connect timeout 60 (Linux's 111 and 110).</summary>
    Bsd,
}

/// <summary>Reads <see cref="NginxHost"/> from the errno numbers of an incident's error lines.</summary>
internal static class NginxHosts
{
    /// <summary>Windows when a line's errno is Winsock's (10000–11999), BSD when a refusal, reset or timeout carries
    /// FreeBSD's and macOS's number (61, 54, 60), else unknown.</summary>
    public static NginxHost Of(IEnumerable<string> signatures)
    {
        foreach (var signature in signatures)
        {
            if (!NginxLogs.ErrorLogParser.TryGetErrno(System.Text.Encoding.UTF8.GetBytes(signature), out var errno, out var text))
            {
                continue;
            }

            if (errno is >= 10000 and < 12000)
            {
                return NginxHost.Windows;
            }

            if (errno is 61 or 54 or 60 && NginxLogs.Errno.OfText(text) is NginxLogs.ErrnoKind.ConnectionRefused or NginxLogs.ErrnoKind.ConnectionReset or NginxLogs.ErrnoKind.TimedOut)
            {
                return NginxHost.Bsd;
            }
        }

        return NginxHost.Unknown;
    }

    /// <summary>A message only nginx for Windows writes, whatever its errno: <c>CreateFile()</c> (its
    /// <c>ngx_open_file</c>), or a quoted path on a drive (<c>"c:/nginx/html/…"</c>).</summary>
    public static bool SaysWindows(ReadOnlySpan<byte> message)
    {
        if (message.StartsWith("CreateFile() "u8))
        {
            return true;
        }

        var quote = message.IndexOf((byte)'"');
        return quote >= 0 && message[(quote + 1)..] is [var drive, (byte)':', (byte)'/' or (byte)'\\', ..] && char.IsAsciiLetter((char)drive);
    }
}
