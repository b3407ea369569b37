using System.Net;

namespace FunctionsApp.NginxConfig;

/// <summary>
/// The checks that need only the configuration: each looks for a way nginx is set up that turns a normal event
/// (a redeploy that moves an upstream, a burst of traffic, a certificate served by name) into 502/503/504s, and
/// says why in terms of what nginx does. Findings come in file order.
/// </summary>
public static class ConfigChecks
{
    public static IReadOnlyList<ConfigFinding> Run(NginxConfigModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var findings = new List<ConfigFinding>();
        foreach (var target in model.Targets)
        {
            CheckResolution(model, target, findings);
            CheckTls(model, target, findings);
            CheckKeepalive(model, target, findings);
        }

        foreach (var upstream in model.Upstreams)
        {
            CheckUpstream(model, upstream, findings);
        }

        CheckLimitReq(model, findings);
        CheckLogFormats(model, findings);
        // A nested location inherits its parent's directive: one finding per place.
        return [.. findings.DistinctBy(f => (f.Rule, f.File, f.Line)).OrderBy(f => model.FileOrder(f.File)).ThenBy(f => f.Line).ThenBy(f => f.Rule, StringComparer.Ordinal)];
    }

    private static void CheckResolution(NginxConfigModel model, PassTarget target, List<ConfigFinding> findings)
    {
        var context = NginxConfigModel.EnclosingBlock(target.Directive) ?? target.Directive;
        var resolver = model.Effective(context, "resolver");
        if (target.HasVariables)
        {
            if (!resolver.IsDefault || VariableIsLiteralAddress(model, target))
            {
                return;
            }

            findings.Add(ConfigFinding.At(
                target.Directive, "variable-pass-without-resolver", FindingSeverity.Error,
                $"{target.Directive.Name} has variables in its address, so nginx looks the name up for every request; with no `resolver` in effect it answers 502 and logs \"no resolver defined to resolve …\" (unless the value is an IP address or an upstream group name).",
                "Add a resolver where it applies, e.g. at http level: `resolver 127.0.0.53 valid=30s ipv6=off;` (168.63.129.16 in Azure VNets) and `resolver_timeout 5s;`."));
            return;
        }

        if (target.Group is not null || target.IsAddressLiteral || target.Host is "localhost" or "")
        {
            return;
        }

        // A bare word with no port (`proxy_pass http://backend;`) is how an `upstream` block is named: in a configuration
        // given in part, most likely one in a file not read here; else a name resolved once, as any other.
        var maybeGroup = !target.PortGiven && !target.Host.Contains('.', StringComparison.Ordinal) && model.Upstreams.Count == 0;
        findings.Add(ConfigFinding.At(
            target.Directive, "hostname-resolved-once", maybeGroup ? FindingSeverity.Info : FindingSeverity.Warning,
            $"{(maybeGroup ? $"Unless {target.Host} is an `upstream` block in a file not read here (no `upstream` block was read), " : string.Empty)}nginx resolves {target.Host} once, when it reads the configuration, and keeps using those addresses until the next reload{(resolver.IsDefault ? string.Empty : " (the resolver applies only to names in variables)")}: when the upstream moves (redeploy, scale set, failover, a cloud load balancer's new address) nginx connects to the old address and answers 502/504.",
            $"Resolve at request time: `resolver <dns> valid=30s;` then `set $upstream_{Identifier(target.Host)} {target.Host};` and `{target.Directive.Name} {(target.Module == "proxy" ? target.Scheme + "://" : string.Empty)}$upstream_{Identifier(target.Host)}:{target.Port};` — or reload nginx whenever the name's addresses change.",
            resolver.Directive));
    }

    private static void CheckTls(NginxConfigModel model, PassTarget target, List<ConfigFinding> findings)
    {
        if (!target.IsTls || target.Module is not ("proxy" or "grpc"))
        {
            return;
        }

        var context = NginxConfigModel.EnclosingBlock(target.Directive) ?? target.Directive;
        var prefix = target.Module;
        var serverName = model.Effective(context, prefix + "_ssl_server_name");
        var sslName = model.Effective(context, prefix + "_ssl_name");
        var name = sslName.IsDefault ? target.Group?.Name ?? target.Host : sslName.Value;
        var nameIsAddress = IPAddress.TryParse(name.Trim('[', ']'), out _);
        if (!serverName.IsOn && !nameIsAddress && !target.HasVariables)
        {
            findings.Add(ConfigFinding.At(
                target.Directive, "tls-upstream-without-sni", FindingSeverity.Warning,
                $"nginx sends no server name (SNI) in the TLS handshake with {name} because `{prefix}_ssl_server_name` is off: servers that host several names (CDNs, Kubernetes ingresses, App Service, API gateways) then fail the handshake or present a default certificate, and nginx answers 502 (\"SSL_do_handshake() failed\" or a certificate name mismatch).",
                $"`{prefix}_ssl_server_name on;`" + (target.Group is not null && sslName.IsDefault ? $" and `{prefix}_ssl_name <the upstream's certificate name>;` (the default sends the group name \"{target.Group.Name}\")" : string.Empty) + ".",
                serverName.Directive, sslName.Directive, target.Group?.Directive));
        }
    }

    private static void CheckKeepalive(NginxConfigModel model, PassTarget target, List<ConfigFinding> findings)
    {
        if (target.Group?.Keepalive is not { } keepalive)
        {
            return;
        }

        var context = NginxConfigModel.EnclosingBlock(target.Directive) ?? target.Directive;
        if (target.Module == "fastcgi")
        {
            var keepConn = model.Effective(context, "fastcgi_keep_conn");
            if (!keepConn.IsOn)
            {
                findings.Add(ConfigFinding.At(
                    target.Directive, "keepalive-not-used", FindingSeverity.Warning,
                    $"upstream {target.Group.Name} keeps idle connections (`{keepalive}` at {keepalive.Where}), but without `fastcgi_keep_conn on` nginx asks PHP-FPM to close each one: every request opens a new connection, and under load the listen backlog fills (\"connect() … (11: Resource temporarily unavailable)\", 502).",
                    "`fastcgi_keep_conn on;` in this location.",
                    keepalive));
            }

            return;
        }

        if (target.Module != "proxy")
        {
            return;
        }

        var version = model.Effective(context, "proxy_http_version");
        var headers = model.EffectiveAll(context, "proxy_set_header");
        var connection = headers.FirstOrDefault(h => string.Equals(h.Arg0, "Connection", StringComparison.OrdinalIgnoreCase));
        var cleared = connection is not null && (connection.Args.Count < 2 || connection.Args[1].Length == 0 || connection.Args[1].StartsWith('$'));
        if (version.Value == "1.1" && cleared)
        {
            return;
        }

        var missing = new List<string>();
        if (version.Value != "1.1")
        {
            missing.Add("`proxy_http_version 1.1;`");
        }

        if (!cleared)
        {
            missing.Add("`proxy_set_header Connection \"\";`");
        }

        findings.Add(ConfigFinding.At(
            target.Directive, "keepalive-not-used", FindingSeverity.Warning,
            $"upstream {target.Group.Name} keeps idle connections (`{keepalive}` at {keepalive.Where}), but here nginx speaks {(version.Value == "1.1" ? "HTTP/1.1" : "HTTP/" + version.Value)} and {(cleared ? "clears" : "sends")} `Connection: close`, so the upstream closes every connection: no connection is reused, and under load the churn exhausts local ports (\"(99: Cannot assign requested address)\") or the upstream's accept queue, and requests fail with 502.",
            $"Add {string.Join(" and ", missing)} in this location (or at server/http level; a location with its own proxy_set_header lines inherits none).",
            keepalive, version.Directive, connection));
    }

    private static void CheckUpstream(NginxConfigModel model, UpstreamBlock upstream, List<ConfigFinding> findings)
    {
        var live = upstream.Servers.Where(s => !s.Down).ToList();
        foreach (var server in live.Where(s => s.MaxFails == 0 && live.Count > 1))
        {
            findings.Add(ConfigFinding.At(
                server.Directive, "max-fails-zero", FindingSeverity.Warning,
                $"`max_fails=0` turns off failure accounting: when {server.Address} dies nginx never takes it out of rotation, so its share of requests keeps waiting for a refused or timed-out connect before failing over (or failing with 502/504 where `proxy_next_upstream` does not apply, such as POSTs).",
                "Remove `max_fails=0` (the default is `max_fails=1 fail_timeout=10s`), or set e.g. `max_fails=3 fail_timeout=10s`.",
                upstream.Directive));
        }

        var resolver = model.Effective(upstream.Directive, "resolver");
        foreach (var server in upstream.Servers.Where(s => !s.IsUnix && s.Host is not "localhost" && !IPAddress.TryParse(s.Host.Trim('[', ']'), out _)))
        {
            if (server.Resolve && resolver.IsDefault)
            {
                findings.Add(ConfigFinding.At(
                    server.Directive, "variable-pass-without-resolver", FindingSeverity.Error,
                    $"`resolve` re-resolves {server.Host} while nginx runs, but no `resolver` is in effect for upstream {upstream.Name}: nginx cannot look the name up.",
                    "Add `resolver <dns-ip> valid=30s;` at http level (and `zone` in the upstream block, which `resolve` needs).",
                    upstream.Directive));
            }
            else if (!server.Resolve)
            {
                findings.Add(ConfigFinding.At(
                    server.Directive, "hostname-resolved-once", FindingSeverity.Warning,
                    $"nginx resolves {server.Host} once, when it reads the configuration, and keeps those addresses until the next reload: when the server moves, nginx connects to the old address and answers 502/504.",
                    $"`server {server.Address} resolve;` with `zone {upstream.Name} 64k;` in the block and a `resolver` (nginx 1.27.3+), or reload nginx whenever the name's addresses change.",
                    upstream.Directive));
            }
        }

        var users = model.Targets.Where(t => ReferenceEquals(t.Group, upstream)).ToList();
        if (live.Count == 1 && !live[0].Backup && live[0].Host is not "" && !upstream.Servers.Any(s => s.Backup))
        {
            findings.Add(ConfigFinding.At(
                live[0].Directive, "single-server-no-backup", FindingSeverity.Info,
                $"upstream {upstream.Name} has one server and no `backup`: when {live[0].Address} fails, every request it gets is a 502/504; nginx has no other server to try, so `proxy_next_upstream` cannot help.",
                $"Add a second server, or a spare that takes over only when the first fails: `server <spare-host>:<port> backup;`, with `proxy_next_upstream error timeout http_502 http_503;` where the group is used.",
                [upstream.Directive, .. users.Select(u => u.Directive)]));
        }

        if (live.Count > 1)
        {
            foreach (var user in users)
            {
                var context = NginxConfigModel.EnclosingBlock(user.Directive) ?? user.Directive;
                var next = model.Effective(context, user.Module + "_next_upstream");
                if (next.Args.Count == 1 && next.Args[0] == "off")
                {
                    findings.Add(ConfigFinding.At(
                        next.Directive!, "next-upstream-off", FindingSeverity.Warning,
                        $"`{user.Module}_next_upstream off`: when one of the {live.Count} servers of {upstream.Name} refuses or times out, nginx answers 502/504 instead of trying another server.",
                        $"`{user.Module}_next_upstream error timeout;` (the default), plus `http_502 http_503` if the servers answer those while restarting.",
                        user.Directive, upstream.Directive));
                }
            }
        }
    }

    private static void CheckLimitReq(NginxConfigModel model, List<ConfigFinding> findings)
    {
        var zones = model.Descendants().Where(d => d.Name == "limit_req_zone").ToList();
        foreach (var limit in model.Descendants().Where(d => d.Name == "limit_req"))
        {
            if (limit.Args.Any(a => a.StartsWith("burst=", StringComparison.Ordinal)))
            {
                continue;
            }

            var zoneName = limit.Args.FirstOrDefault(a => a.StartsWith("zone=", StringComparison.Ordinal))?["zone=".Length..];
            var zone = zones.FirstOrDefault(z => z.Args.Any(a => a.StartsWith("zone=" + zoneName + ":", StringComparison.Ordinal)));
            var rate = zone?.Args.FirstOrDefault(a => a.StartsWith("rate=", StringComparison.Ordinal))?["rate=".Length..];
            var context = NginxConfigModel.EnclosingBlock(limit) ?? limit;
            var status = model.Effective(context, "limit_req_status");
            findings.Add(ConfigFinding.At(
                limit, "limit-req-without-burst", FindingSeverity.Warning,
                $"`limit_req` without `burst` rejects every request that comes sooner than 1/rate after the previous one{(rate is null ? string.Empty : $" (rate {rate})")}: the parallel requests of one page load are already a burst, and the rejected ones get {(status.IsDefault ? "503" : status.Value)}, which looks like an outage.",
                $"`limit_req zone={zoneName} burst=20 nodelay;`" + (status.IsDefault ? " and `limit_req_status 429;` so clients back off and a 503 means a real outage." : "."),
                zone));
        }
    }

    private static void CheckLogFormats(NginxConfigModel model, List<ConfigFinding> findings)
    {
        if (model.Http is not { } http)
        {
            return;
        }

        var formats = http.All("log_format").Where(d => d.Args.Count >= 2).GroupBy(d => d.Arg0, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var accessLogs = model.Descendants().Where(d => d.Name == "access_log" && d.Arg0 != "off" && d.Args.Count > 0).ToList();
        var byFormat = accessLogs.GroupBy(d => d.Args.Count > 1 ? d.Args[1] : "combined", StringComparer.Ordinal);
        var checkedAny = false;
        foreach (var group in byFormat)
        {
            checkedAny = true;
            string format;
            string? escape = null;
            ConfigDirective? definition = null;
            if (formats.TryGetValue(group.Key, out var declared))
            {
                definition = declared;
                (format, escape) = LogFormatCheck.Definition(declared);
            }
            else if (group.Key == "combined")
            {
                format = LogFormatCheck.Combined;
            }
            else
            {
                continue;
            }

            AddLogFormatFinding(group.First(), group.Key, format, escape, definition, [.. group.Skip(1)], findings);
        }

        if (!checkedAny && !accessLogs.Any() && !model.Descendants().Any(d => d.Name == "access_log"))
        {
            // No access_log anywhere: nginx writes logs/access.log in the predefined combined format.
            AddLogFormatFinding(http, "combined", LogFormatCheck.Combined, null, null, [], findings);
        }
    }

    private static void AddLogFormatFinding(
        ConfigDirective at, string name, string format, string? escape, ConfigDirective? definition, List<ConfigDirective> others, List<ConfigFinding> findings)
    {
        var missing = LogFormatCheck.Missing(format);
        if (missing.Count == 0)
        {
            return;
        }

        var newName = name + "_upstream";
        var suggestion = LogFormatCheck.Suggest(newName, format, escape);
        var path = at.Name == "access_log" ? at.Arg0 : "/var/log/nginx/access.log";
        var losses = string.Join("; ", missing.Select(m => $"without ${m.Variable}, {m.Loss}"));
        findings.Add(ConfigFinding.At(
            at, "log-format-missing-fields", FindingSeverity.Info,
            $"The access log format \"{name}\" lacks {string.Join(", ", missing.Select(m => "$" + m.Variable))}: {losses}.",
            $"In the http block: `{suggestion}` and log with it: `access_log {path} {newName};` (the existing fields keep their places, so parsers of the old format still read it).",
            [definition, .. others]));
    }

    private static bool VariableIsLiteralAddress(NginxConfigModel model, PassTarget target)
    {
        // "set $backend 10.0.0.5:8080;" or "set $backend api_pool;": nothing to resolve at request time.
        var text = target.Directive.Arg0;
        var sets = model.Descendants().Where(d => d.Name == "set" && d.Args.Count == 2 && text.Contains(d.Args[0], StringComparison.Ordinal)).ToList();
        return sets.Count > 0 && sets.All(s =>
        {
            var value = s.Args[1];
            var schemeEnd = value.IndexOf("://", StringComparison.Ordinal);
            var host = PassTarget.SplitHostPort(schemeEnd >= 0 ? value[(schemeEnd + 3)..].Split('/')[0] : value.Split('/')[0], 80).Host;
            return IPAddress.TryParse(host.Trim('[', ']'), out _) || model.FindUpstream(host) is not null || host.StartsWith("unix:", StringComparison.Ordinal);
        });
    }

    private static string Identifier(string host) => new([.. host.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_')]);
}
