namespace FunctionsApp.Incidents;

internal static class FailureKinds
{
    /// <summary>The name did not resolve (or no resolver was defined): nginx chose no peer, and the access log's
    /// <c>$upstream_addr</c> says <c>-</c>.</summary>
    public static bool ChoseNoPeer(this FailureKind kind) =>
        kind is FailureKind.DnsNotFound or FailureKind.DnsTimeout or FailureKind.DnsServerFailure or FailureKind.NoResolver;
}
