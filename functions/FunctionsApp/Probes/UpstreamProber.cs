using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using FunctionsApp.NginxConfig;
using FunctionsApp.Probes.Internal;

namespace FunctionsApp.Probes;

/// <summary>
/// Checks one upstream address from where the app runs, step by step like <c>curl -v</c>: DNS (answers, TTL), TCP
/// connect (time; refused, timeout, unreachable), TLS (protocol, cipher, chain, expiry, name, SNI), and an HTTP
/// request to the health path (status, time to first byte, header size against nginx's buffer). The socket is
/// driven directly, not through HttpClient: the probe must connect to the address it vetted, time each step, and
/// count the header bytes nginx would have to buffer. Every step is bounded in time.
/// </summary>
internal sealed class UpstreamProber(ProbeOptions options, AddressPolicy policy, TimeProvider time)
{
    private const int MaxHeaderBytes = 64 * 1024;

    public async Task<ProbeResult> ProbeAsync(ProbeTarget target, CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow();
        var stopwatch = Stopwatch.StartNew();
        using var overall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        overall.CancelAfter(options.Timeout);
        var run = new ProbeRun(target, started);
        try
        {
            await RunAsync(run, overall.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            run.Fail(ProbeOutcome.Timeout, string.Create(CultureInfo.InvariantCulture, $"the probe took longer than {options.Timeout.TotalSeconds:0.#} s"));
        }

        return run.Result(stopwatch.Elapsed.TotalMilliseconds);
    }

    private async Task RunAsync(ProbeRun run, CancellationToken cancellationToken)
    {
        var target = run.Target;
        if (target.UnixPath is { } path)
        {
            await ProbeUnixAsync(run, path, cancellationToken);
            return;
        }

        var host = target.Host!;
        List<IPAddress> addresses;
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal))
        {
            addresses = [literal];
        }
        else
        {
            var dns = await new DnsLookup(options.DnsServer, options.DnsTimeout).ResolveAsync(host, cancellationToken);
            run.Dns = dns;
            if (dns.Error is not null)
            {
                run.Fail(ProbeOutcome.DnsFailed, $"DNS lookup of {host} failed: {dns.Error}");
                return;
            }

            addresses = [.. dns.Answers.Select(a => IPAddress.Parse(a.Address))];
        }

        var allowed = new List<IPAddress>();
        var refusals = new List<string>();
        foreach (var address in addresses)
        {
            if (policy.IsAllowed(address, out var reason))
            {
                allowed.Add(address);
            }
            else
            {
                refusals.Add(reason);
            }
        }

        if (allowed.Count == 0)
        {
            run.Fail(ProbeOutcome.Blocked, $"not probed: {string.Join("; ", refusals)}");
            return;
        }

        Socket? socket = null;
        foreach (var address in allowed)
        {
            var endpoint = new IPEndPoint(address, target.Port);
            socket = await ConnectAsync(run, endpoint, endpoint.ToString(), cancellationToken);
            if (socket is not null)
            {
                break;
            }
        }

        if (socket is null)
        {
            return;
        }

        using (socket)
        {
            await using var network = new NetworkStream(socket, ownsSocket: false);
            Stream stream = network;
            SslStream? ssl = null;
            try
            {
                if (target.Scheme == "https")
                {
                    ssl = await HandshakeAsync(run, network, cancellationToken);
                    if (ssl is null)
                    {
                        return;
                    }

                    stream = ssl;
                }

                if (target.Scheme is "http" or "https")
                {
                    await RequestAsync(run, stream, cancellationToken);
                }
                else
                {
                    run.Succeed($"TCP connect to {run.Connect!.Address} in {Ms(run.Connect.DurationMs)} (not HTTP: connect only)");
                }
            }
            finally
            {
                if (ssl is not null)
                {
                    await ssl.DisposeAsync();
                }
            }
        }
    }

    private async Task ProbeUnixAsync(ProbeRun run, string path, CancellationToken cancellationToken)
    {
        if (!policy.AllowLoopback)
        {
            run.Fail(ProbeOutcome.Blocked, $"not probed: unix:{path} is a socket on this machine, not nginx's (list it in Probes:AllowedTargets to probe it anyway)");
            return;
        }

        if (!File.Exists(path))
        {
            run.Connect = new ProbeConnect("unix:" + path, 0, "no such socket");
            run.Fail(ProbeOutcome.SocketMissing, $"unix:{path} does not exist (is the service running, and is this the path it creates?)");
            return;
        }

        using var socket = await ConnectAsync(run, new UnixDomainSocketEndPoint(path), "unix:" + path, cancellationToken);
        if (socket is null)
        {
            return;
        }

        if (run.Target.Scheme is "http" or "https")
        {
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            await RequestAsync(run, stream, cancellationToken);
        }
        else
        {
            run.Succeed($"connect to unix:{path} in {Ms(run.Connect!.DurationMs)} (not HTTP: connect only)");
        }
    }

    private async Task<Socket?> ConnectAsync(ProbeRun run, EndPoint endpoint, string display, CancellationToken cancellationToken)
    {
        var socket = endpoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var stopwatch = Stopwatch.StartNew();
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(options.ConnectTimeout);
        try
        {
            await socket.ConnectAsync(endpoint, timer.Token);
            run.Connect = new ProbeConnect(display, stopwatch.Elapsed.TotalMilliseconds, null);
            return socket;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            run.Connect = new ProbeConnect(display, stopwatch.Elapsed.TotalMilliseconds, "timeout");
            run.Fail(ProbeOutcome.Timeout, string.Create(CultureInfo.InvariantCulture,
                $"TCP connect to {display} timed out after {options.ConnectTimeout.TotalSeconds:0.#} s (a firewall dropping packets, or a full accept queue)"));
            return null;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            var (outcome, text) = e.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => (ProbeOutcome.Refused, "refused (nothing listens there)"),
                SocketError.TimedOut => (ProbeOutcome.Timeout, "timed out"),
                SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.HostDown => (ProbeOutcome.Unreachable, "unreachable (no route to the host)"),
                SocketError.AccessDenied => (ProbeOutcome.PermissionDenied, "permission denied"),
                SocketError.WouldBlock or SocketError.TryAgain or SocketError.NoBufferSpaceAvailable => (ProbeOutcome.BacklogFull, "refused with EAGAIN (the listen backlog is full)"),
                SocketError.AddressNotAvailable => (ProbeOutcome.SocketMissing, "failed: address not available"),
                _ => (ProbeOutcome.Unreachable, "failed: " + e.SocketErrorCode),
            };
            run.Connect = new ProbeConnect(display, stopwatch.Elapsed.TotalMilliseconds, text);
            run.Fail(outcome, $"{(endpoint is UnixDomainSocketEndPoint ? "connect" : "TCP connect")} to {display} {text} after {Ms(stopwatch.Elapsed.TotalMilliseconds)}");
            return null;
        }
    }

    private async Task<SslStream?> HandshakeAsync(ProbeRun run, NetworkStream network, CancellationToken cancellationToken)
    {
        var target = run.Target;
        var name = target.TlsName ?? target.Host!;
        var isAddress = IPAddress.TryParse(name.Trim('[', ']'), out _);
        var sni = target.SendSni && !isAddress ? name : null;
        var recorder = new FirstBytesStream(network);
        var ssl = new SslStream(recorder, leaveInnerStreamOpen: true);
        X509Certificate2? leaf = null;
        var chain = new List<ProbeCertificate>();
        var chainErrors = new List<string>();
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(options.HttpTimeout);
        try
        {
            await ssl.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions
                {
                    // Without SNI .NET sends none when TargetHost is empty, as nginx does with proxy_ssl_server_name off.
                    TargetHost = sni ?? string.Empty,
                    RemoteCertificateValidationCallback = (_, certificate, x509Chain, _) =>
                    {
                        // Record everything and accept: the probe reports what nginx would reject, it does not reject.
                        if (certificate is not null)
                        {
                            leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                        }

                        if (x509Chain is not null)
                        {
                            chain.AddRange(x509Chain.ChainElements.Select(e => Describe(e.Certificate)));
                            chainErrors.AddRange(x509Chain.ChainStatus.Select(s => s.Status).Where(s => s != X509ChainStatusFlags.NoError).Select(s => s.ToString()).Distinct());
                        }

                        return true;
                    },
                },
                timer.Token);
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            await ssl.DisposeAsync();
            var plain = recorder.StartsWith("HTTP/");
            var error = plain ? "the server answered in plain HTTP: it does not speak TLS on this port"
                : e is OperationCanceledException ? "no TLS answer in time" : "handshake failed: " + e.Message;
            run.Tls = new ProbeTls { Sni = sni, CheckedName = name, Error = error };
            run.Fail(ProbeOutcome.TlsFailed, $"TLS handshake with {run.Connect!.Address} failed: {error}");
            if (plain)
            {
                run.Notes.Add("`proxy_pass https://` talks TLS to a plain HTTP server: nginx logs \"SSL_do_handshake() failed … wrong version number\" and answers 502; use `http://`, or enable TLS on the upstream.");
            }

            return null;
        }

        var now = time.GetUtcNow();
        var expired = leaf is not null && (now > leaf.NotAfter.ToUniversalTime() || now < leaf.NotBefore.ToUniversalTime());
        var daysLeft = leaf is null ? (double?)null : Math.Round((new DateTimeOffset(leaf.NotAfter.ToUniversalTime()) - now).TotalDays, 1);
        var matches = leaf?.MatchesHostname(name.Trim('[', ']'));
        var trusted = !chainErrors.Except(["NotTimeValid", "NotTimeNested", "RevocationStatusUnknown", "OfflineRevocation"]).Any();
        run.Tls = new ProbeTls
        {
            Sni = sni,
            Protocol = ssl.SslProtocol.ToString(),
            Cipher = ssl.NegotiatedCipherSuite.ToString(),
            Chain = chain.Count > 0 ? chain : leaf is null ? [] : [Describe(leaf)],
            CheckedName = name,
            NameMatches = matches,
            Expired = expired,
            DaysLeft = daysLeft,
            TrustedBySystem = trusted,
            ChainErrors = chainErrors,
        };

        // nginx checks expiry, name and trust only with proxy_ssl_verify on; without a configuration, report them all.
        var checks = target.Verifies ?? true;
        var problems = new List<string>();
        if (expired && leaf is not null)
        {
            problems.Add(now > leaf.NotAfter.ToUniversalTime()
                ? $"certificate expired on {leaf.NotAfter.ToUniversalTime():yyyy-MM-dd}"
                : $"certificate not valid before {leaf.NotBefore.ToUniversalTime():yyyy-MM-dd}");
        }

        if (matches == false)
        {
            problems.Add($"certificate is not for \"{name}\" (it names {string.Join(", ", run.Tls.Chain.FirstOrDefault()?.Names ?? [])})");
        }

        if (problems.Count > 0)
        {
            var text = string.Join("; ", problems);
            if (checks)
            {
                run.Fail(ProbeOutcome.CertificateProblem, $"TLS with {run.Connect!.Address}: {text}{(target.Verifies == true ? " (nginx verifies it: proxy_ssl_verify on)" : string.Empty)}");
                return ssl;
            }

            run.Notes.Add($"{text}; nginx does not check it here (proxy_ssl_verify off).");
        }

        return ssl;
    }

    private async Task RequestAsync(ProbeRun run, Stream stream, CancellationToken cancellationToken)
    {
        var target = run.Target;
        var request = $"GET {target.HealthPath} HTTP/1.1\r\nHost: {target.HostHeader}\r\nUser-Agent: nginx-502-diagnostics-probe/1.0\r\nAccept: */*\r\nConnection: close\r\n\r\n";
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(options.HttpTimeout);
        var stopwatch = Stopwatch.StartNew();
        var buffer = new byte[MaxHeaderBytes + 1];
        var length = 0;
        double? firstByte = null;
        var end = -1;
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(request), timer.Token);
            await stream.FlushAsync(timer.Token);
            stopwatch.Restart();
            while (length < buffer.Length)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(length), timer.Token);
                if (read == 0)
                {
                    break;
                }

                firstByte ??= stopwatch.Elapsed.TotalMilliseconds;
                length += read;
                end = buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8);
                if (end >= 0)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            run.Http = new ProbeHttp { Path = target.HealthPath, TimeToFirstByteMs = firstByte, Error = "no complete response header in time" };
            var waited = string.Create(CultureInfo.InvariantCulture, $"{options.HttpTimeout.TotalSeconds:0.#} s");
            run.Fail(ProbeOutcome.HttpFailed, $"GET {target.HealthPath} on {run.Connect!.Address}: no response header within {waited}");
            if (target.ReadTimeout is { Time: { } readTimeout } setting && readTimeout <= options.HttpTimeout)
            {
                run.Notes.Add($"nginx waits {setting.Describe()} for the header: it would have answered 504.");
            }

            return;
        }
        catch (IOException e)
        {
            run.Http = new ProbeHttp { Path = target.HealthPath, TimeToFirstByteMs = firstByte, Error = "connection failed while reading: " + e.Message };
            run.Fail(ProbeOutcome.HttpFailed, $"GET {target.HealthPath} on {run.Connect!.Address}: the connection failed before a response ({e.Message})");
            return;
        }

        if (end < 0)
        {
            var tooLong = length > MaxHeaderBytes;
            run.Http = new ProbeHttp { Path = target.HealthPath, TimeToFirstByteMs = firstByte, HeaderBytes = tooLong ? length : null, Error = tooLong ? "response header larger than 64 KiB" : length == 0 ? "the server closed the connection without a response" : "incomplete response header" };
            run.Fail(ProbeOutcome.HttpFailed, $"GET {target.HealthPath} on {run.Connect!.Address}: {run.Http.Error}");
            return;
        }

        var headerBytes = end + 4;
        var statusLine = Encoding.ASCII.GetString(buffer, 0, Math.Max(0, buffer.AsSpan(0, length).IndexOf("\r\n"u8)));
        var parts = statusLine.Split(' ', 3);
        if (parts.Length < 2 || !parts[0].StartsWith("HTTP/", StringComparison.Ordinal) || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            run.Http = new ProbeHttp { Path = target.HealthPath, TimeToFirstByteMs = firstByte, HeaderBytes = headerBytes, Error = "the response is not HTTP" };
            run.Fail(ProbeOutcome.HttpFailed, $"GET {target.HealthPath} on {run.Connect!.Address}: the response is not HTTP");
            return;
        }

        run.Http = new ProbeHttp { Path = target.HealthPath, Status = status, TimeToFirstByteMs = firstByte, HeaderBytes = headerBytes };
        var ttfb = firstByte is { } ms ? " in " + Ms(ms) : string.Empty;
        if (target.BufferSize is { Size: { } size } buffer2 && headerBytes > size)
        {
            run.Notes.Add($"The response header is {ConfigValues.FormatBytes(headerBytes)}, more than {buffer2.Describe()}: nginx answers 502 \"upstream sent too big header\".");
            run.Fail(ProbeOutcome.HeadersTooLarge, $"GET {target.HealthPath} on {run.Connect!.Address}: HTTP {status}{ttfb}, but its {headerBytes}-byte header does not fit {buffer2.Name} {buffer2.Value}");
            return;
        }

        if (status >= 500)
        {
            run.Fail(ProbeOutcome.HttpError, $"GET {target.HealthPath} on {run.Connect!.Address}: HTTP {status}{ttfb}");
            return;
        }

        if (run.Outcome is null)
        {
            run.Succeed($"GET {target.HealthPath} on {run.Connect!.Address}: HTTP {status}{ttfb} (connect {Ms(run.Connect.DurationMs)}{(run.Tls is { } tls ? $", {tls.Protocol}" : string.Empty)})");
        }
    }

    private static ProbeCertificate Describe(X509Certificate2 certificate)
    {
        var names = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames()).ToList();
        return new ProbeCertificate(certificate.Subject, certificate.Issuer, new DateTimeOffset(certificate.NotBefore.ToUniversalTime()),
            new DateTimeOffset(certificate.NotAfter.ToUniversalTime()), names);
    }

    private static string Ms(double milliseconds) => string.Create(CultureInfo.InvariantCulture, $"{milliseconds:0.#} ms");

    /// <summary>The state of one probe as its steps run.</summary>
    private sealed class ProbeRun(ProbeTarget target, DateTimeOffset started)
    {
        public ProbeTarget Target { get; } = target;

        public ProbeOutcome? Outcome { get; private set; }

        public string What { get; private set; } = "nothing was checked";

        public ProbeDns? Dns { get; set; }

        public ProbeConnect? Connect { get; set; }

        public ProbeTls? Tls { get; set; }

        public ProbeHttp? Http { get; set; }

        public List<string> Notes { get; } = [];

        public void Fail(ProbeOutcome outcome, string what)
        {
            // The first failure is the one that stopped the probe.
            if (Outcome is null or ProbeOutcome.Ok)
            {
                Outcome = outcome;
                What = what;
            }
        }

        public void Succeed(string what)
        {
            Outcome ??= ProbeOutcome.Ok;
            if (Outcome == ProbeOutcome.Ok)
            {
                What = what;
            }
        }

        public ProbeResult Result(double durationMs) => new()
        {
            Target = Target.Display,
            Scheme = Target.Scheme,
            StartedAt = started,
            DurationMs = Math.Round(durationMs, 1),
            Outcome = Outcome ?? ProbeOutcome.Timeout,
            Summary = $"probe {started.UtcDateTime:HH:mm:ss} UTC: {What}",
            Dns = Dns,
            Connect = Connect,
            Tls = Tls,
            Http = Http,
            Notes = Notes,
        };
    }
}
