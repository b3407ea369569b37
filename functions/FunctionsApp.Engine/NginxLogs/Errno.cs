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

    /// <summary>EINVAL or EAFNOSUPPORT from connect(): an address this socket cannot use.</summary>
    InvalidAddress,
}

/// <summary>
/// Reads the <c>(errno: text)</c> of nginx messages across systems: the numbers differ (Connection refused is 111
/// on Linux, 61 on FreeBSD and macOS, 10061 on Windows) and so do the texts (glibc's "Connection timed out" is
/// "Operation timed out" in musl — Alpine images —, FreeBSD and macOS). The text decides; the number is the
/// fallback for texts not listed (a line cut inside its text: "(111: Connection ref"). This is the one table: the
/// failure kinds of <see cref="Incidents.ErrorSignatures"/> and every other reader of an errno go through it.
/// </summary>
internal static class Errno
{
    /// <summary>The kind of the first <c>(errno: text)</c> in a message; <see cref="ErrnoKind.Unknown"/> when none.</summary>
    public static ErrnoKind Of(ReadOnlySpan<byte> message) =>
        ErrorLogParser.TryGetErrno(message, out var errno, out var text) ? Classify(errno, text) : ErrnoKind.Unknown;

    public static ErrnoKind Classify(int errno, ReadOnlySpan<byte> text)
    {
        var byText = OfText(text);
        return byText != ErrnoKind.Unknown ? byText : OfNumber(errno);
    }

    /// <summary>
    /// The kind a system error's words name, wherever they stand in <paramref name="text"/>: the strerror() of glibc,
    /// musl, FreeBSD and macOS, the Windows socket errors nginx for Windows prints, and the words alone when a paste
    /// dropped the number (<c>connect() failed (Connection refused)</c>). The first phrase found, in the table's order.
    /// </summary>
    public static ErrnoKind OfText(ReadOnlySpan<byte> text)
    {
        foreach (var (phrase, kind) in Texts)
        {
            if (text.IndexOf(phrase) >= 0)
            {
                return kind;
            }
        }

        return ErrnoKind.Unknown;
    }

    /// <summary>The kind of an errno number on Linux, FreeBSD and macOS, or Windows (WSA codes, 100xx).</summary>
    public static ErrnoKind OfNumber(int errno) => errno switch
    {
        111 or 61 or 10061 => ErrnoKind.ConnectionRefused,
        104 or 54 or 10054 => ErrnoKind.ConnectionReset,
        32 => ErrnoKind.BrokenPipe,
        101 or 51 or 10051 => ErrnoKind.NetworkUnreachable,
        113 or 65 or 10065 => ErrnoKind.HostUnreachable,
        112 or 64 or 10064 => ErrnoKind.HostDown,
        110 or 60 or 10060 => ErrnoKind.TimedOut,
        11 or 35 or 10035 => ErrnoKind.WouldBlock,
        99 or 49 or 10049 => ErrnoKind.AddressNotAvailable,
        98 or 48 or 10048 => ErrnoKind.AddressInUse,
        24 or 23 or 10024 => ErrnoKind.TooManyOpenFiles,
        103 or 53 or 10053 => ErrnoKind.ConnectionAborted,
        2 => ErrnoKind.NoSuchFile,
        13 or 1 or 10013 => ErrnoKind.PermissionDenied,
        22 or 10022 or 97 or 47 or 10047 => ErrnoKind.InvalidAddress,
        28 or 122 or 69 => ErrnoKind.NoSpace,
        20 or 30 => ErrnoKind.NotWritablePath,
        _ => ErrnoKind.Unknown,
    };

    // Ordered: the first phrase found decides, so the specific come before the general ("Network is unreachable"
    // before "unreachable"), and none of a kind contains another kind's phrase.
    private static readonly (byte[] Phrase, ErrnoKind Kind)[] Texts =
    [
        ("refused"u8.ToArray(), ErrnoKind.ConnectionRefused), // "Connection refused"; Windows: "… actively refused it"
        ("reset by peer"u8.ToArray(), ErrnoKind.ConnectionReset),
        ("Connection reset"u8.ToArray(), ErrnoKind.ConnectionReset), // FreeBSD's ECONNRESET without "by peer"
        ("forcibly closed"u8.ToArray(), ErrnoKind.ConnectionReset), // Windows: "An existing connection was forcibly closed …"
        ("Broken pipe"u8.ToArray(), ErrnoKind.BrokenPipe),
        ("Network is unreachable"u8.ToArray(), ErrnoKind.NetworkUnreachable),
        ("network is unreachable"u8.ToArray(), ErrnoKind.NetworkUnreachable),
        ("unreachable network"u8.ToArray(), ErrnoKind.NetworkUnreachable), // Windows: "… to an unreachable network"
        ("Network unreachable"u8.ToArray(), ErrnoKind.NetworkUnreachable), // musl
        ("No route to host"u8.ToArray(), ErrnoKind.HostUnreachable),
        ("unreachable"u8.ToArray(), ErrnoKind.HostUnreachable), // "Host is unreachable"; Windows: "… to an unreachable host"
        ("Host is down"u8.ToArray(), ErrnoKind.HostDown),
        ("timed out"u8.ToArray(), ErrnoKind.TimedOut), // "Connection timed out"; musl, BSD: "Operation timed out"
        ("did not properly respond"u8.ToArray(), ErrnoKind.TimedOut), // Windows' WSAETIMEDOUT
        ("Resource temporarily unavailable"u8.ToArray(), ErrnoKind.WouldBlock),
        ("would block"u8.ToArray(), ErrnoKind.WouldBlock), // "Operation would block"
        ("non-blocking socket operation could not be completed"u8.ToArray(), ErrnoKind.WouldBlock), // WSAEWOULDBLOCK
        ("assign requested address"u8.ToArray(), ErrnoKind.AddressNotAvailable), // "Cannot …", BSD: "Can't …"
        ("Address not available"u8.ToArray(), ErrnoKind.AddressNotAvailable), // musl
        ("Address already in use"u8.ToArray(), ErrnoKind.AddressInUse),
        ("Address in use"u8.ToArray(), ErrnoKind.AddressInUse), // musl
        ("Too many open files"u8.ToArray(), ErrnoKind.TooManyOpenFiles),
        ("No file descriptors available"u8.ToArray(), ErrnoKind.TooManyOpenFiles), // musl's EMFILE
        ("connection abort"u8.ToArray(), ErrnoKind.ConnectionAborted), // "Software caused connection abort"
        ("Connection aborted"u8.ToArray(), ErrnoKind.ConnectionAborted), // musl
        ("No space left on device"u8.ToArray(), ErrnoKind.NoSpace),
        ("Disk quota exceeded"u8.ToArray(), ErrnoKind.NoSpace),
        ("No such file or directory"u8.ToArray(), ErrnoKind.NoSuchFile),
        ("Permission denied"u8.ToArray(), ErrnoKind.PermissionDenied),
        ("Operation not permitted"u8.ToArray(), ErrnoKind.PermissionDenied),
        ("Not a directory"u8.ToArray(), ErrnoKind.NotWritablePath),
        ("Read-only file system"u8.ToArray(), ErrnoKind.NotWritablePath),
        ("Invalid argument"u8.ToArray(), ErrnoKind.InvalidAddress),
        ("invalid argument was supplied"u8.ToArray(), ErrnoKind.InvalidAddress), // WSAEINVAL
        ("Address family not supported"u8.ToArray(), ErrnoKind.InvalidAddress),
        ("address incompatible with the requested protocol"u8.ToArray(), ErrnoKind.InvalidAddress), // WSAEAFNOSUPPORT
    ];
}
