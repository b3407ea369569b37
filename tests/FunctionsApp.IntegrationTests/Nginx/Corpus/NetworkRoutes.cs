using System.Diagnostics;

namespace FunctionsApp.IntegrationTests.Nginx.Corpus;

/// <summary>
/// Addresses that nothing routes to, for upstreams whose host or network cannot be reached. Two small blocks of
/// TEST-NET-2 (RFC 5737, never routed on the internet) get routes of their own: <c>unreachable 198.51.100.240/29</c>
/// (a connect fails with <c>(113: No route to host)</c>) and <c>throw 198.51.100.248/29</c> (the lookup falls out
/// of the main table: <c>(101: Network is unreachable)</c>). Adding them needs root; they are added once with
/// <c>ip route replace</c> (idempotent, safe for concurrent runs) and left in place: removing them while another case
/// uses them would change its failure.
/// </summary>
internal static class NetworkRoutes
{
    public const string NoRouteAddress = "198.51.100.241";
    public const string NetworkUnreachableAddress = "198.51.100.249";

    private static readonly SemaphoreSlim Once = new(1, 1);
    private static bool _added;

    public static string? IpBinary { get; } = new[] { "/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip" }.FirstOrDefault(File.Exists);

    /// <summary>Makes sure both routes exist; throws with <c>ip</c>'s message when they cannot be added.</summary>
    public static async Task EnsureAsync(CancellationToken cancellationToken)
    {
        await Once.WaitAsync(cancellationToken);
        try
        {
            if (_added)
            {
                return;
            }

            await IpAsync(["route", "replace", "unreachable", "198.51.100.240/29"], cancellationToken);
            await IpAsync(["route", "replace", "throw", "198.51.100.248/29"], cancellationToken);
            _added = true;
        }
        finally
        {
            Once.Release();
        }
    }

    private static async Task IpAsync(string[] arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(IpBinary ?? throw new InvalidOperationException("No 'ip' command (iproute2) on this machine."))
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"ip {string.Join(' ', arguments)} failed ({process.ExitCode}): {await stderr}{await stdout}");
        }
    }
}
