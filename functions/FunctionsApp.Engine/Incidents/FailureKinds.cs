namespace FunctionsApp.Incidents;

internal static class FailureKinds
{
    /// <summary>nginx's resolver failed the name (<c>could not be resolved</c>): not found, timed out, SERVFAIL or refused.</summary>
    public static bool IsUnresolved(this FailureKind kind) =>
        kind is FailureKind.DnsNotFound or FailureKind.DnsTimeout or FailureKind.DnsServerFailure or FailureKind.DnsRefused or FailureKind.UnresolvedAtStart;

    /// <summary>The name did not resolve (or no resolver was defined), or nginx answered 500 before choosing a peer
    /// (<see cref="RefusedBeforeAnyPeer"/>): nginx chose no peer, and the access log's <c>$upstream_addr</c> says
    /// <c>-</c>.</summary>
    public static bool ChoseNoPeer(this FailureKind kind) =>
        kind.IsUnresolved() || kind == FailureKind.NoResolver || kind.RefusedBeforeAnyPeer();

    /// <summary>nginx answered the request 500 itself before choosing a peer: the address made of variables did not parse
    /// (<see cref="FailureKind.UpstreamUrlInvalid"/>), the named location is not defined
    /// (<see cref="FailureKind.NamedLocationMissing"/>), the Lua balancer failed (<see cref="FailureKind.BalancerScriptFailed"/>),
    /// or the request reached the upstream module without its configuration (<see cref="FailureKind.NoUpstreamConfiguration"/>).</summary>
    public static bool RefusedBeforeAnyPeer(this FailureKind kind) =>
        kind is FailureKind.UpstreamUrlInvalid or FailureKind.NamedLocationMissing or FailureKind.BalancerScriptFailed or FailureKind.NoUpstreamConfiguration;

    /// <summary>A failure nginx could only meet once connected: the peer closed or reset the connection, or sent what
    /// nginx could not use, or took too long to answer. Something listened at the address then. (A handshake that timed
    /// out and a scheme on the other protocol's port were connected too, but are not counted here.)</summary>
    public static bool AfterConnect(this FailureKind kind) => kind is FailureKind.Reset or FailureKind.PrematureClose or FailureKind.InvalidHeader
        or FailureKind.TooBigHeader or FailureKind.TimedOut or FailureKind.NotFastCgi or FailureKind.NotHttp2 or FailureKind.TlsHandshake or FailureKind.TlsVerify or FailureKind.PlainTextAnswer
        or FailureKind.OverAppServerBuffer;

    /// <summary>nginx found no connection or descriptor for the try (<c>worker_connections are not enough</c>,
    /// <c>socket() failed (24: Too many open files)</c>; ngx_event_connect_peer returns NGX_ERROR) and answered the request
    /// 500 itself, no server tried.</summary>
    public static bool OutOfNginxResources(this FailureKind kind) => kind is FailureKind.WorkerConnections or FailureKind.TooManyOpenFiles or FailureKind.AcceptFailed;

    /// <summary>nginx could not write the request's body to its temporary file and answered 500 itself, no server tried
    /// (<see cref="FailureKind.BodyBufferUnwritable"/>, <see cref="FailureKind.BodyBufferDiskFull"/>).</summary>
    public static bool BodyNotBuffered(this FailureKind kind) => kind is FailureKind.BodyBufferUnwritable or FailureKind.BodyBufferDiskFull;

    /// <summary>nginx answered the request 500 itself before any try: no connection or descriptor for it
    /// (<see cref="OutOfNginxResources"/>), no temporary file for its body (<see cref="BodyNotBuffered"/>), or no peer to
    /// choose (<see cref="RefusedBeforeAnyPeer"/>).</summary>
    public static bool AnsweredBeforeAnyTry(this FailureKind kind) =>
        kind.OutOfNginxResources() || kind.BodyNotBuffered() || kind.RefusedBeforeAnyPeer();

    /// <summary>nginx did not start: its configuration named a host it could not resolve, or it refused the configuration
    /// (<see cref="FailureKind.UnresolvedAtStart"/>, <see cref="FailureKind.ConfigRejectedAtStart"/>).</summary>
    public static bool StoppedStart(this FailureKind kind) => kind is FailureKind.UnresolvedAtStart or FailureKind.ConfigRejectedAtStart;

    /// <summary>A temporary file of a request's or a response's body nginx could not write for a full disk: nothing
    /// upstream is in question.</summary>
    public static bool TempFileOnFullDisk(this FailureKind kind) => kind is FailureKind.BodyBufferDiskFull or FailureKind.ResponseBufferDiskFull;

    /// <summary>nginx dropped its clients' connections itself, no request answered or logged: its listener had no room
    /// for them (<see cref="FailureKind.AcceptFailed"/>), or the worker holding them died. No access line can claim such
    /// a line; a load balancer in front reports a 502 for each connection.</summary>
    public static bool DroppedByNginx(this FailureKind kind) => kind is FailureKind.AcceptFailed or FailureKind.WorkerKilled or FailureKind.WorkerCrashed;
}
