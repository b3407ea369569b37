using System.Text;

namespace FunctionsApp.NginxConfig;

/// <summary>
/// A parsed nginx configuration and the questions asked of it: which server and location handle a request
/// (nginx's own matching rules), which upstream they pass it to, and which settings are in effect there.
/// </summary>
public sealed class NginxConfigModel
{
    private const int MaxRedirects = 5;

    private readonly Dictionary<string, UpstreamBlock> _upstreams = new(StringComparer.OrdinalIgnoreCase);

    internal NginxConfigModel(ConfigDirective root, IReadOnlyList<string> files)
    {
        Root = root;
        Files = files;
        // A conf.d file given alone (or a paste of one) holds `server` and `upstream` blocks at its top: nginx includes it
        // inside `http`, so its top level is the http context.
        Http = root.Find("http") ?? (root.Find("server") is not null || root.Find("upstream") is not null ? root : null);
        if (Http is not null)
        {
            foreach (var upstream in Http.All("upstream").Select(d => new UpstreamBlock(d)))
            {
                _upstreams.TryAdd(upstream.Name, upstream);
            }

            Servers = [.. Http.All("server").Select(d => new ServerBlock(d))];
        }
        else
        {
            Servers = [];
        }

        Upstreams = [.. _upstreams.Values];
        Targets = [.. Descendants().Where(d => PassTarget.Directives.Contains(d.Name))
            .Select(d => PassTarget.Parse(d, FindUpstream)).OfType<PassTarget>()];
    }

    /// <summary>The main file's top level (an unnamed block holding <c>events</c>, <c>http</c>, …).</summary>
    public ConfigDirective Root { get; }

    /// <summary>Every file read, main file first, in the order nginx opens them.</summary>
    public IReadOnlyList<string> Files { get; }

    public ConfigDirective? Http { get; }

    public IReadOnlyList<ServerBlock> Servers { get; }

    public IReadOnlyList<UpstreamBlock> Upstreams { get; }

    /// <summary>Every <c>*_pass</c> in the configuration.</summary>
    public IReadOnlyList<PassTarget> Targets { get; }

    public UpstreamBlock? FindUpstream(string name) => _upstreams.GetValueOrDefault(name);

    /// <summary>Every directive, depth first, in file order.</summary>
    public IEnumerable<ConfigDirective> Descendants() => Walk(Root);

    /// <summary>The directive's value in <paramref name="context"/>, inherited outward (nginx merges a location's unset
    /// values from the enclosing location, server, http); nginx's default when nothing sets it.</summary>
    public EffectiveSetting Effective(ConfigDirective context, string name)
    {
        for (var block = context; block is not null; block = block.Parent)
        {
            if (block.Find(name) is { } found)
            {
                return new EffectiveSetting(name, found.Args, found);
            }
        }

        return new EffectiveSetting(name, NginxDefaults.For(name), null);
    }

    /// <summary>Every occurrence of an array directive (<c>proxy_set_header</c>, <c>error_page</c>) in effect: nginx
    /// inherits them only into a block that has none of its own.</summary>
    public IReadOnlyList<ConfigDirective> EffectiveAll(ConfigDirective context, string name)
    {
        for (var block = context; block is not null; block = block.Parent)
        {
            var own = block.All(name).ToList();
            if (own.Count > 0)
            {
                return own;
            }
        }

        return [];
    }

    /// <summary>The server or location block a directive is in (the innermost, skipping <c>if</c> and <c>limit_except</c>).</summary>
    public static ConfigDirective? EnclosingBlock(ConfigDirective directive)
    {
        for (var block = directive.Parent; block is not null; block = block.Parent)
        {
            if (block.Name is "location" or "server" or "http" or "upstream")
            {
                return block;
            }
        }

        return null;
    }

    /// <summary>Whether a directive is set anywhere from <paramref name="context"/> outward.</summary>
    public bool IsSet(ConfigDirective context, string name) => !Effective(context, name).IsDefault;

    /// <summary>
    /// The route of a request. <paramref name="host"/> is the <c>Host</c> (port and trailing dot ignored); null or
    /// <c>-</c> when unknown, in which case a route is returned only when one server could have handled it.
    /// <paramref name="path"/> is the request URI as logged (query, percent-encoding and <c>//</c> are normalised).
    /// </summary>
    public ConfigRoute? Route(string? host, string path, int? port = null)
    {
        var routes = Routes(host, path, port);
        return routes.Count == 1 ? routes[0] : null;
    }

    /// <summary>The routes a request could take: one when the host picks a server, every server's otherwise.</summary>
    public IReadOnlyList<ConfigRoute> Routes(string? host, string path, int? port = null)
    {
        var candidates = port is { } p ? Servers.Where(s => s.ListensOn(p)).ToList() : [.. Servers];
        if (candidates.Count == 0)
        {
            return [];
        }

        var uri = NormalizeUri(path);
        var name = NormalizeHost(host);
        if (name is null)
        {
            return [.. candidates.Select(s => RouteIn(s, uri))];
        }

        return [RouteIn(SelectServer(candidates, name, port), uri)];
    }

    /// <summary>The <c>proxy_pass</c>/<c>*_pass</c> and upstream <c>server</c> lines that name <paramref name="address"/>
    /// (<c>host:port</c>, <c>unix:/path</c> or a group name), in file order.</summary>
    public IReadOnlyList<ConfigDirective> DirectivesNaming(string address)
    {
        var found = new List<ConfigDirective>();
        foreach (var target in Targets)
        {
            if (string.Equals(target.Address, address, StringComparison.OrdinalIgnoreCase)
                || (target.Group is null && target.UnixPath is null && !target.PortGiven && string.Equals(target.Host, address, StringComparison.OrdinalIgnoreCase)))
            {
                found.Add(target.Directive);
            }
        }

        foreach (var upstream in Upstreams)
        {
            found.AddRange(upstream.Servers.Where(s => string.Equals(s.Address, address, StringComparison.OrdinalIgnoreCase)).Select(s => s.Directive));
        }

        return [.. found.Distinct().OrderBy(d => FileOrder(d.File)).ThenBy(d => d.Line)];
    }

    /// <summary>
    /// <c>[::1]:PORT</c> for each <c>localhost:PORT</c> the configuration passes to (a <c>proxy_pass</c>'s own address, or a
    /// server of an upstream block): nginx resolves the name when it reads the configuration, and where it resolves to
    /// both loopback addresses each is a server of its own, so a failed connect on <c>[::1]</c> goes on to
    /// <c>127.0.0.1</c> on the same port, the same application's other address.
    /// </summary>
    public IReadOnlySet<string> LocalhostIpv6Servers() =>
        Targets.SelectMany(t => t.ServerAddresses)
            .Where(a => a.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase))
            .Select(a => "[::1]" + a["localhost".Length..])
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>The routes that pass to <paramref name="address"/> (directly, or through a group that has it as a server).</summary>
    public IReadOnlyList<PassTarget> TargetsOf(string address) =>
        [.. Targets.Where(t => string.Equals(t.Address, address, StringComparison.OrdinalIgnoreCase)
            || t.ServerAddresses.Contains(address, StringComparer.OrdinalIgnoreCase))];

    /// <summary>The position of a file in <see cref="Files"/>, for ordering findings as the configuration reads.</summary>
    public int FileOrder(string file)
    {
        for (var i = 0; i < Files.Count; i++)
        {
            if (Files[i] == file)
            {
                return i;
            }
        }

        return int.MaxValue;
    }

    internal static string NormalizeUri(string path)
    {
        var query = path.IndexOfAny(['?', '#']);
        var raw = query >= 0 ? path[..query] : path;
        if (raw.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || raw.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            // An absolute-form request target: the path starts after the authority.
            var slash = raw.IndexOf('/', raw.IndexOf("//", StringComparison.Ordinal) + 2);
            raw = slash >= 0 ? raw[slash..] : "/";
        }

        var decoded = raw.Contains('%', StringComparison.Ordinal) ? PercentDecode(raw) : raw;
        var segments = new List<string>();
        foreach (var segment in decoded.Split('/'))
        {
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }

                continue;
            }

            segments.Add(segment);
        }

        var normalized = "/" + string.Join('/', segments);
        return decoded.EndsWith('/') && segments.Count > 0 ? normalized + "/" : normalized;
    }

    private static string PercentDecode(string text)
    {
        var bytes = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '%' && i + 2 < text.Length && Uri.IsHexDigit(text[i + 1]) && Uri.IsHexDigit(text[i + 2]))
            {
                bytes.Add((byte)Convert.ToInt32(text.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(text[i].ToString()));
            }
        }

        return Encoding.UTF8.GetString([.. bytes]);
    }

    private static string? NormalizeHost(string? host)
    {
        if (string.IsNullOrWhiteSpace(host) || host == "-")
        {
            return null;
        }

        var name = host.Trim().ToLowerInvariant();
        if (!name.StartsWith('[') && name.LastIndexOf(':') is var colon and > 0 && name.IndexOf(':', StringComparison.Ordinal) == colon)
        {
            name = name[..colon];
        }

        return name.TrimEnd('.');
    }

    /// <summary>nginx's virtual server selection: exact name, longest leading wildcard, longest trailing wildcard, first
    /// regex; else the default server of the address (marked <c>default_server</c>, or the first that listens there).</summary>
    private static ServerBlock SelectServer(List<ServerBlock> candidates, string host, int? port)
    {
        ServerBlock? best = null;
        var bestRank = 0;
        var bestLength = 0;
        foreach (var server in candidates)
        {
            var rank = server.Match(host, out var length);
            if (rank > bestRank || (rank == bestRank && rank is 3 or 2 && length > bestLength))
            {
                best = server;
                bestRank = rank;
                bestLength = length;
            }
        }

        if (best is not null)
        {
            return best;
        }

        return candidates.FirstOrDefault(s => s.Listens.Any(l => l.DefaultServer && (port is null || l.Port == port))) ?? candidates[0];
    }

    private ConfigRoute RouteIn(ServerBlock server, string uri)
    {
        var via = new List<ConfigDirective>();
        var location = FindLocation(server.Locations, uri).Location;
        for (var redirects = 0; redirects < MaxRedirects; redirects++)
        {
            var context = location?.Directive ?? server.Directive;
            if (PassIn(context) is { } target)
            {
                return new ConfigRoute(this, server, location, target, via);
            }

            // try_files' last argument is where a request goes when no file matches: an application entry point
            // (/index.php?$args) or a named location (@app). A request that reached an upstream went there.
            if (context.Find("try_files") is not { Args.Count: > 1 } tryFiles)
            {
                break;
            }

            var fallback = tryFiles.Args[^1];
            via.Add(tryFiles);
            if (fallback.StartsWith('@'))
            {
                location = server.NamedLocations.FirstOrDefault(l => l.Pattern == fallback);
                if (location is null)
                {
                    break;
                }
            }
            else if (fallback.StartsWith('/'))
            {
                var dollar = fallback.IndexOf('$', StringComparison.Ordinal);
                var next = NormalizeUri(dollar >= 0 ? fallback[..dollar] : fallback);
                location = FindLocation(server.Locations, next).Location;
            }
            else
            {
                break;
            }
        }

        return new ConfigRoute(this, server, location, null, via);
    }

    /// <summary>A block's own <c>*_pass</c>; inside <c>if</c> blocks only when the block has none of its own.</summary>
    private PassTarget? PassIn(ConfigDirective context)
    {
        foreach (var name in PassTarget.Directives)
        {
            if (context.Find(name) is { } pass)
            {
                return Targets.FirstOrDefault(t => ReferenceEquals(t.Directive, pass));
            }
        }

        foreach (var block in context.All("if"))
        {
            if (PassIn(block) is { } conditional)
            {
                return conditional;
            }
        }

        return null;
    }

    /// <summary>
    /// nginx's location lookup at one nesting level (ngx_http_core_find_location): an exact <c>=</c> match ends it;
    /// else the longest prefix match, whose nested locations are searched next; then, unless that prefix is
    /// <c>^~</c>, the regex locations of this level in order, the first match winning (and its nested locations
    /// searched in turn). <c>Final</c> means nothing outside may override the result.
    /// </summary>
    private static (LocationBlock? Location, bool Final) FindLocation(IReadOnlyList<LocationBlock> level, string uri)
    {
        foreach (var exact in level)
        {
            if (exact.Modifier == "=" && exact.Pattern == uri)
            {
                return (exact, true);
            }
        }

        LocationBlock? longest = null;
        foreach (var prefix in level)
        {
            if (prefix.Modifier is "" or "^~" && uri.StartsWith(prefix.Pattern, StringComparison.Ordinal)
                && (longest is null || prefix.Pattern.Length > longest.Pattern.Length))
            {
                longest = prefix;
            }
        }

        var found = longest;
        if (longest is not null)
        {
            var nested = FindLocation(longest.Children, uri);
            if (nested.Final)
            {
                return nested;
            }

            found = nested.Location ?? longest;
            if (longest.Modifier == "^~")
            {
                return (found, false);
            }
        }

        foreach (var regex in level)
        {
            if (regex.IsRegex && regex.RegexMatches(uri))
            {
                var nested = FindLocation(regex.Children, uri);
                return (nested.Location ?? regex, true);
            }
        }

        return (found, false);
    }

    private static IEnumerable<ConfigDirective> Walk(ConfigDirective block)
    {
        foreach (var child in block.Children)
        {
            yield return child;
            foreach (var descendant in Walk(child))
            {
                yield return descendant;
            }
        }
    }
}
