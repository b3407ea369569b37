namespace FunctionsApp.NginxLogs;

/// <summary>What a system error in an nginx message means, whichever OS and C library wrote it.</summary>
internal enum ErrnoKind
{
    Unknown = 0,
    ConnectionRefused,
    TimedOut,
    ConnectionReset,

    /// <summary>EAGAIN/EWOULDBLOCK: a listen backlog full (unix sockets), or a busy non-blocking operation.</summary>
    WouldBlock,
    HostUnreachable,
    NetworkUnreachable,
    HostDown,
    BrokenPipe,
    PermissionDenied,
    NoSuchFile,
    AddressInUse,
    AddressNotAvailable,
    TooManyOpenFiles,
    ConnectionAborted,

    /// <summary>ENOSPC or EDQUOT: the filesystem (or the user's quota on it) is full.</summary>
    NoSpace,

    /// <summary>ENOTDIR or EROFS: a path whose directory is a file, or a filesystem mounted read-only.</summary>
    NotWritablePath,
}

/// <summary>
/// Reads the <c>(errno: text)</c> of nginx messages across systems: the numbers differ (Connection refused is 111
/// on Linux, 61 on FreeBSD and macOS, 10061 on Windows) and so do the texts (glibc's "Connection timed out" is
/// "Operation timed out" in musl — Alpine images —, FreeBSD and macOS). The text decides; the number is the
/// fallback for texts not listed, read as Linux's.
/// </summary>
internal static class Errno
{
    /// <summary>The kind of the first <c>(errno: text)</c> in a message; <see cref="ErrnoKind.Unknown"/> when none.</summary>
    public static ErrnoKind Of(ReadOnlySpan<byte> message) =>
        ErrorLogParser.TryGetErrno(message, out var errno, out var text) ? Classify(errno, text) : ErrnoKind.Unknown;

    public static ErrnoKind Classify(int errno, ReadOnlySpan<byte> text)
    {
        foreach (var (phrase, kind) in Texts)
        {
            if (text.StartsWith(phrase))
            {
                return kind;
            }
        }

        return errno switch
        {
            111 => ErrnoKind.ConnectionRefused,
            110 => ErrnoKind.TimedOut,
            104 => ErrnoKind.ConnectionReset,
            11 => ErrnoKind.WouldBlock,
            113 => ErrnoKind.HostUnreachable,
            101 => ErrnoKind.NetworkUnreachable,
            112 => ErrnoKind.HostDown,
            32 => ErrnoKind.BrokenPipe,
            13 => ErrnoKind.PermissionDenied,
            2 => ErrnoKind.NoSuchFile,
            98 => ErrnoKind.AddressInUse,
            99 => ErrnoKind.AddressNotAvailable,
            24 => ErrnoKind.TooManyOpenFiles,
            103 => ErrnoKind.ConnectionAborted,
            28 or 122 => ErrnoKind.NoSpace,
            20 or 30 => ErrnoKind.NotWritablePath,
            _ => ErrnoKind.Unknown,
        };
    }

    // strerror() texts of glibc, musl, FreeBSD, macOS, and the Windows socket errors nginx for Windows prints.
    private static readonly (byte[] Phrase, ErrnoKind Kind)[] Texts =
    [
        ("Connection refused"u8.ToArray(), ErrnoKind.ConnectionRefused),
        ("No connection could be made because the target machine actively refused it"u8.ToArray(), ErrnoKind.ConnectionRefused),
        ("Connection timed out"u8.ToArray(), ErrnoKind.TimedOut),
        ("Operation timed out"u8.ToArray(), ErrnoKind.TimedOut),
        ("A connection attempt failed because the connected party did not properly respond"u8.ToArray(), ErrnoKind.TimedOut),
        ("Connection reset by peer"u8.ToArray(), ErrnoKind.ConnectionReset),
        ("Connection reset"u8.ToArray(), ErrnoKind.ConnectionReset),
        ("An existing connection was forcibly closed by the remote host"u8.ToArray(), ErrnoKind.ConnectionReset),
        ("Resource temporarily unavailable"u8.ToArray(), ErrnoKind.WouldBlock),
        ("Operation would block"u8.ToArray(), ErrnoKind.WouldBlock),
        ("A non-blocking socket operation could not be completed immediately"u8.ToArray(), ErrnoKind.WouldBlock),
        ("No route to host"u8.ToArray(), ErrnoKind.HostUnreachable),
        ("Host is unreachable"u8.ToArray(), ErrnoKind.HostUnreachable),
        ("Network is unreachable"u8.ToArray(), ErrnoKind.NetworkUnreachable),
        ("Network unreachable"u8.ToArray(), ErrnoKind.NetworkUnreachable),
        ("Host is down"u8.ToArray(), ErrnoKind.HostDown),
        ("Broken pipe"u8.ToArray(), ErrnoKind.BrokenPipe),
        ("Permission denied"u8.ToArray(), ErrnoKind.PermissionDenied),
        ("No such file or directory"u8.ToArray(), ErrnoKind.NoSuchFile),
        ("Address already in use"u8.ToArray(), ErrnoKind.AddressInUse),
        ("Address in use"u8.ToArray(), ErrnoKind.AddressInUse),
        ("Cannot assign requested address"u8.ToArray(), ErrnoKind.AddressNotAvailable),
        ("Can't assign requested address"u8.ToArray(), ErrnoKind.AddressNotAvailable),
        ("Address not available"u8.ToArray(), ErrnoKind.AddressNotAvailable),
        ("Too many open files"u8.ToArray(), ErrnoKind.TooManyOpenFiles),
        ("No file descriptors available"u8.ToArray(), ErrnoKind.TooManyOpenFiles),
        ("Software caused connection abort"u8.ToArray(), ErrnoKind.ConnectionAborted),
        ("Connection aborted"u8.ToArray(), ErrnoKind.ConnectionAborted),
        ("No space left on device"u8.ToArray(), ErrnoKind.NoSpace),
        ("Disk quota exceeded"u8.ToArray(), ErrnoKind.NoSpace),
        ("Not a directory"u8.ToArray(), ErrnoKind.NotWritablePath),
        ("Read-only file system"u8.ToArray(), ErrnoKind.NotWritablePath),
    ];
}
