using System.Diagnostics;
using System.Globalization;
using System.Text;
using FunctionsApp.Incidents;

namespace FunctionsApp.IntegrationTests.Parsing;

/// <summary>
/// nginx's own syslog output (<c>error_log syslog:</c>, <c>access_log syslog:</c>) received by a real syslog-ng and
/// written with its default template, an ISO template and RFC 5424: the analysis finds the prefix, reads every
/// line behind it, and counts the 502s nginx wrote. Everything goes through unix sockets (no ports).
/// </summary>
public sealed class SyslogCaptureTests
{
    private static readonly string[] Outputs = ["default", "isodate", "rfc5424"];

    [Fact]
    public async Task Analyze_NginxSyslogThroughSyslogNg_ReadsEveryLineBehindThePrefix()
    {
        Assert.True(File.Exists("/usr/sbin/syslog-ng"), "syslog-ng is not installed (scripts/test installs syslog-ng-core).");
        var prefix = Directory.CreateTempSubdirectory("nginx-syslog-").FullName;
        try
        {
            using var syslogNg = await StartSyslogNgAsync(prefix);
            int requests = 0, failures = 0;
            await using (var nginx = await NginxInstance.StartAsync(prefix, Config(), "Asia/Kathmandu", $"syslog:server=unix:{prefix}/error.sock error", CancellationToken.None))
            {
                for (var i = 0; i < 30; i++)
                {
                    var host = i % 3 == 0 ? "down.shop.test" : "ok.shop.test";
                    var status = await nginx.SendAsync(HttpMethod.Get, host, $"/item/{i}?q={i}", $"203.0.113.{i + 1}", CancellationToken.None);
                    requests++;
                    failures += status == 502 ? 1 : 0;

                    // nginx sends syslog datagrams without waiting, and a unix datagram socket queues ten: on a busy
                    // machine the rest are dropped (nginx's syslog logging is lossy). One request at a time.
                    await WaitForLinesAsync(prefix, requests);
                }

                await nginx.StopAsync();
            }

            Assert.Equal(10, failures);
            foreach (var output in Outputs)
            {
                var report = LogAnalyzer.Analyze(
                    [LogInput.FromPath(Path.Combine(prefix, $"access-{output}.log"))], [LogInput.FromPath(Path.Combine(prefix, $"error-{output}.log"))],
                    null, new DiagnosisOptions(), CancellationToken.None);

                Assert.True(report.Stats.MalformedLines == 0, $"{output}: {string.Join('\n', report.Stats.MalformedSamples)}");
                Assert.Equal(requests, report.Stats.AccessLines);
                Assert.Equal(failures, report.Stats.GatewayErrors);
                Assert.Equal("combined", report.Stats.Format);
                Assert.True(report.Stats.ErrorLines >= failures, $"{output}: {report.Stats.ErrorLines} error lines");
                Assert.All(report.Stats.Inputs, input => Assert.StartsWith(output == "default" ? "syslog-rfc3164" : output == "isodate" ? "syslog-iso" : "syslog-rfc5424", input.Prefix ?? "none", StringComparison.Ordinal));
            }
        }
        finally
        {
            Directory.Delete(prefix, recursive: true);
        }
    }

    private static string Config() => """
        access_log syslog:server=unix:{prefix}/access.sock combined;
        server {
            listen unix:{prefix}/ok.sock;
            access_log off;
            location / { return 200 "ok\n"; }
        }
        server { listen unix:{prefix}/front.sock; server_name ok.shop.test; location / { proxy_pass http://unix:{prefix}/ok.sock:; } }
        server { listen unix:{prefix}/front.sock; server_name down.shop.test; location / { proxy_pass http://unix:{prefix}/gone.sock:; } }
        """;

    private static async Task<SyslogNg> StartSyslogNgAsync(string prefix)
    {
        var config = new StringBuilder("@version: 3.38\noptions { stats-freq(0); };\n");
        foreach (var kind in new[] { "access", "error" })
        {
            config.Append(CultureInfo.InvariantCulture, $$"""
                source s_{{kind}} { unix-dgram("{{prefix}}/{{kind}}.sock"); };
                destination d_{{kind}}_default { file("{{prefix}}/{{kind}}-default.log"); };
                destination d_{{kind}}_isodate { file("{{prefix}}/{{kind}}-isodate.log" template("${ISODATE} ${HOST} ${MSGHDR}${MSG}\n")); };
                destination d_{{kind}}_rfc5424 { file("{{prefix}}/{{kind}}-rfc5424.log" flags(syslog-protocol)); };
                log { source(s_{{kind}}); destination(d_{{kind}}_default); destination(d_{{kind}}_isodate); destination(d_{{kind}}_rfc5424); };

                """);
        }

        var path = Path.Combine(prefix, "syslog-ng.conf");
        await File.WriteAllTextAsync(path, config.ToString());
        var start = new ProcessStartInfo("/usr/sbin/syslog-ng") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-F", "-e", "--no-caps", "-f", path, "--persist-file", prefix + "/syslog-ng.persist", "--pidfile", prefix + "/syslog-ng.pid", "--control", prefix + "/syslog-ng.ctl" })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("syslog-ng did not start");
        var said = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (said) { said.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (said) { said.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var syslogNg = new SyslogNg(process);
        var deadline = Stopwatch.StartNew();
        while (!File.Exists(Path.Combine(prefix, "access.sock")) || !File.Exists(Path.Combine(prefix, "error.sock")))
        {
            Assert.False(process.HasExited, "syslog-ng exited: " + said);
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), "syslog-ng did not open its sockets");
            await Task.Delay(50);
        }

        return syslogNg;
    }

    private static async Task WaitForLinesAsync(string prefix, int accessLines)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var counts = Outputs.Select(o => Path.Combine(prefix, $"access-{o}.log")).Select(f => File.Exists(f) ? File.ReadAllLines(f).Length : 0).ToList();
            if (counts.All(c => c >= accessLines))
            {
                return;
            }

            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), $"syslog-ng wrote {string.Join('/', counts)} of {accessLines} access lines");
            await Task.Delay(100);
        }
    }

    private sealed class SyslogNg(Process process) : IDisposable
    {
        public void Dispose()
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit();
            }

            process.Dispose();
        }
    }
}
