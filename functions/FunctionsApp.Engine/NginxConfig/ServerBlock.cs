using System.Text.RegularExpressions;

namespace FunctionsApp.NginxConfig;

/// <summary>A <c>server</c> block of the <c>http</c> context: where it listens, its names, its locations.</summary>
public sealed class ServerBlock
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);
    private readonly List<(string Pattern, Regex? Regex)> _regexNames = [];

    internal ServerBlock(ConfigDirective directive)
    {
        Directive = directive;
        var listens = directive.All("listen").Select(ListenAddress.Parse).ToList();
        Listens = listens.Count > 0 ? listens : [ListenAddress.Implicit];
        Names = [.. directive.All("server_name").SelectMany(d => d.Args)];
        foreach (var name in Names.Where(n => n.StartsWith('~')))
        {
            Regex? regex;
            try
            {
                regex = new Regex(name[1..], RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, MatchTimeout);
            }
            catch (ArgumentException)
            {
                regex = null;
            }

            _regexNames.Add((name, regex));
        }

        var locations = directive.All("location").Select(d => new LocationBlock(d, null)).ToList();
        Locations = [.. locations.Where(l => !l.IsNamed)];
        NamedLocations = [.. locations.Where(l => l.IsNamed)];
    }

    public ConfigDirective Directive { get; }

    public IReadOnlyList<ListenAddress> Listens { get; }

    /// <summary>The <c>server_name</c> values as written (exact, <c>*.x</c>, <c>.x</c>, <c>x.*</c>, <c>~regex</c>).</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The top-level locations, in order, without the named ones.</summary>
    public IReadOnlyList<LocationBlock> Locations { get; }

    public IReadOnlyList<LocationBlock> NamedLocations { get; }

    /// <summary>The first server name, or <c>_</c>, for reports.</summary>
    public string DisplayName => Names.Count > 0 && Names[0].Length > 0 ? Names[0] : "_";

    public bool ListensOn(int port) => Listens.Any(l => l.Port == port);

    /// <summary>How well <paramref name="host"/> matches this server's names, by nginx's order: 4 exact, 3 leading
    /// wildcard, 2 trailing wildcard, 1 regex, 0 none. <paramref name="length"/> is the wildcard's length (longest wins).</summary>
    internal int Match(string host, out int length)
    {
        length = 0;
        var best = 0;
        foreach (var name in Names)
        {
            var n = name.ToLowerInvariant();
            if (n.StartsWith('~'))
            {
                continue;
            }

            if (n == host)
            {
                length = n.Length;
                return 4;
            }

            if (n.StartsWith("*.", StringComparison.Ordinal) && host.EndsWith(n[1..], StringComparison.Ordinal))
            {
                Take(3, n.Length, ref best, ref length);
            }
            else if (n.StartsWith('.') && (host == n[1..] || host.EndsWith(n, StringComparison.Ordinal)))
            {
                Take(3, n.Length, ref best, ref length);
            }
            else if (n.EndsWith(".*", StringComparison.Ordinal) && host.StartsWith(n[..^1], StringComparison.Ordinal))
            {
                Take(2, n.Length, ref best, ref length);
            }
        }

        if (best == 0 && _regexNames.Exists(r => SafeMatch(r.Regex, host)))
        {
            best = 1;
        }

        return best;
    }

    private static void Take(int rank, int len, ref int best, ref int length)
    {
        if (rank > best || (rank == best && len > length))
        {
            best = rank;
            length = len;
        }
    }

    private static bool SafeMatch(Regex? regex, string host)
    {
        try
        {
            return regex?.IsMatch(host) ?? false;
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }
}
