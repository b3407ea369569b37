namespace FunctionsApp.Incidents;

internal static class FailureKinds
{
    /// <summary>nginx's resolver failed the name (<c>could not be resolved</c>): not found, timed out, SERVFAIL or refused.</summary>
    public static bool IsUnresolved(this FailureKind kind) =>
        kind is FailureKind.DnsNotFound or FailureKind.DnsTimeout or FailureKind.DnsServerFailure or FailureKind.DnsRefused;

    /// <summary>The name did not resolve (or no resolver was defined): nginx chose no peer, and the access log's
    /// <c>$upstream_addr</c> says <c>-</c>.</summary>
    public static bool ChoseNoPeer(this FailureKind kind) =>
        kind.IsUnresolved() || kind == FailureKind.NoResolver;
}
