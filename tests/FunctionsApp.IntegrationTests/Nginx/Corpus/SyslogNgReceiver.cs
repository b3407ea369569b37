using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using FunctionsApp.IntegrationTests.Infrastructure;

namespace FunctionsApp.IntegrationTests.Nginx.Corpus;

/// <summary>
/// A real syslog-ng (Debian syslog-ng-core) receiving what nginx sends with <c>access_log syslog:server=…</c> and
/// <c>error_log syslog:server=…</c> over UDP on 127.0.0.1, and writing the two logs to files in one of three shapes:
/// its default file template (<c>Nov 30 10:00:00 host nginx: …</c>), ISO dates (<c>2026-11-30T10:00:00+05:45 host
/// nginx: …</c>), or RFC 5424 (<c>&lt;163&gt;1 2026-11-30T10:00:00+05:45 host nginx - - - …</c>). nginx tags the
/// access log <c>nginx_access</c> and the error log <c>nginx</c>; syslog-ng files them by program name.
/// </summary>
/// <remarks>
/// The UDP port is held (<see cref="HeldPort.Udp"/>) until syslog-ng has bound it, then read back: a probe datagram
/// with this instance's id must come out in syslog-ng's probe file. syslog-ng runs in the case's time zone, as it
/// would on the same host as nginx, so that it reads nginx's zone-less RFC 3164 stamps as nginx meant them.
/// </remarks>
internal sealed partial class SyslogNgReceiver : IAsyncDisposable
{
    public const string Binary = "/usr/sbin/syslog-ng";
    public const string AccessTag = "nginx_access";
    public const string ErrorTag = "nginx";

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);

    private readonly string _directory;
    private readonly StringBuilder _output = new();
    private readonly string _instanceId = Guid.NewGuid().ToString("N");
    private HeldPort? _hold;
    private Process? _process;

    private SyslogNgReceiver(string directory, string template, int port)
    {
        _directory = directory;
        Template = template;
        Port = port;
    }

    /// <summary><c>syslog-default</c>, <c>syslog-iso</c> or <c>syslog-rfc5424</c>.</summary>
    public string Template { get; }

    public int Port { get; }

    /// <summary>What nginx is given: <c>syslog:server=127.0.0.1:PORT</c>.</summary>
    public string Server => $"127.0.0.1:{Port}";

    public string AccessLogPath => Path.Combine(_directory, "access.log");

    public string ErrorLogPath => Path.Combine(_directory, "error.log");

    public static bool IsInstalled => File.Exists(Binary);

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts syslog-ng in <paramref name="directory"/> and waits until a probe sent to its port comes out in a file.</summary>
    public static async Task<SyslogNgReceiver> StartAsync(string directory, string template, string timeZone, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var hold = HeldPort.Udp();
        var receiver = new SyslogNgReceiver(directory, template, hold.Port) { _hold = hold };
        try
        {
            await receiver.StartAsync(timeZone, cancellationToken);
            return receiver;
        }
        catch
        {
            await receiver.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops syslog-ng (SIGTERM: it writes out what it holds and closes its files).</summary>
    public async Task StopAsync()
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        await Lifeline.SignalGroupAsync(process, "TERM");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            await Lifeline.KillGroupAsync(process);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            await Lifeline.KillGroupAsync(process);
            Lifeline.Release(process);
            process.Dispose();
            _process = null;
        }

        _hold?.Dispose();
        _hold = null;
    }

    /// <summary>
    /// The line nginx sent, from a line syslog-ng wrote in <paramref name="template"/>: the header (time, host,
    /// program, and for RFC 5424 pid, message id and structured data) removed; null when the line has no such header.
    /// </summary>
    public static string? StripHeader(string template, string line)
    {
        var match = template switch
        {
            "syslog-default" => DefaultHeader().Match(line),
            "syslog-iso" => IsoHeader().Match(line),
            "syslog-rfc5424" => Rfc5424Header().Match(line),
            _ => throw new ArgumentOutOfRangeException(nameof(template), template, "Unknown syslog template."),
        };
        return match.Success ? line[match.Length..] : null;
    }

    private async Task StartAsync(string timeZone, CancellationToken cancellationToken)
    {
        var fileOptions = Template switch
        {
            "syslog-default" => string.Empty,
            "syslog-iso" => " template(\"${ISODATE} ${HOST} ${MSGHDR}${MSG}\\n\")",
            "syslog-rfc5424" => " flags(syslog-protocol)",
            _ => throw new ArgumentOutOfRangeException(nameof(timeZone), Template, "Unknown syslog template."),
        };
        var config = Path.Combine(_directory, "syslog-ng.conf");
        await File.WriteAllTextAsync(config, $$"""
            @version: 3.38
            options { stats-freq(0); keep-hostname(yes); use-dns(no); log-msg-size(65536); };
            source s_nginx { udp(ip("127.0.0.1") port({{Port}}) so-rcvbuf(4194304)); };
            filter f_probe { program("^lab_probe$"); };
            filter f_access { program("^{{AccessTag}}$"); };
            filter f_error { program("^{{ErrorTag}}$"); };
            destination d_probe { file("{{_directory}}/probe.log" flush-lines(1)); };
            destination d_access { file("{{AccessLogPath}}"{{fileOptions}}); };
            destination d_error { file("{{ErrorLogPath}}"{{fileOptions}}); };
            log { source(s_nginx); filter(f_probe); destination(d_probe); flags(final); };
            log { source(s_nginx); filter(f_access); destination(d_access); };
            log { source(s_nginx); filter(f_error); destination(d_error); };

            """, cancellationToken);

        var start = new ProcessStartInfo(Binary)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _directory,
        };
        foreach (var argument in new[]
                 {
                     "-F", "-e", "--no-caps", "-f", config,
                     "--persist-file", Path.Combine(_directory, "syslog-ng.persist"),
                     "--pidfile", Path.Combine(_directory, "syslog-ng.pid"),
                     "--control", Path.Combine(_directory, "syslog-ng.ctl"),
                 })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["TZ"] = timeZone;
        var process = Lifeline.Start(start);
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        using var probe = new UdpClient(AddressFamily.InterNetwork);
        var probeLog = Path.Combine(_directory, "probe.log");
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                await process.WaitForExitAsync(CancellationToken.None);
                throw new InvalidOperationException($"syslog-ng exited with {process.ExitCode} before it received anything.\n{Output}");
            }

            // The probe's own stamp does not matter: it goes to the probe file only.
            var datagram = Encoding.ASCII.GetBytes($"<14>Jan  1 00:00:00 lab lab_probe: {_instanceId}");
            await probe.SendAsync(datagram, new IPEndPoint(IPAddress.Loopback, Port), cancellationToken);
            await Task.Delay(200, cancellationToken);
            if (File.Exists(probeLog) && (await File.ReadAllTextAsync(probeLog, cancellationToken)).Contains(_instanceId, StringComparison.Ordinal))
            {
                // syslog-ng has the port: datagrams go to it alone from now on.
                _hold?.Dispose();
                _hold = null;
                return;
            }

            if (stopwatch.Elapsed > ReadyTimeout)
            {
                throw new TimeoutException($"syslog-ng did not receive a probe on 127.0.0.1:{Port} within {ReadyTimeout}.\n{Output}");
            }
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    /// <summary><c>Nov 30 10:00:00 host program: </c> (syslog-ng pads a one-digit day with a space).</summary>
    [GeneratedRegex(@"^[A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} \S+ [A-Za-z0-9_]+(\[[0-9]+\])?: ")]
    private static partial Regex DefaultHeader();

    /// <summary><c>2026-11-30T10:00:00+05:45 host program: </c>.</summary>
    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9]{2}:[0-9]{2}) \S+ [A-Za-z0-9_]+(\[[0-9]+\])?: ")]
    private static partial Regex IsoHeader();

    /// <summary><c>&lt;PRI&gt;1 TIMESTAMP HOST APP PROCID MSGID SD </c> with a nil or bracketed SD.</summary>
    [GeneratedRegex(@"^<[0-9]{1,3}>1 \S+ \S+ \S+ \S+ \S+ (-|(\[[^\]]*\])+) ")]
    private static partial Regex Rfc5424Header();
}
