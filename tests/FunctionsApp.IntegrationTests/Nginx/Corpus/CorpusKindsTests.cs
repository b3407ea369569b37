namespace FunctionsApp.IntegrationTests.Nginx.Corpus;

/// <summary>
/// Each failure kind of the real application servers (php-fpm, uWSGI, gunicorn, Node), the throttled server and the
/// unreachable networks, provoked alone in a short case against real nginx: the case is labelled (nginx wrote the
/// kind's error text and gateway statuses in its window), with the cause and status of the team's table. Half the
/// cases log through a real syslog-ng, in each of its three templates.
/// </summary>
public sealed class CorpusKindsTests(CorpusKindsTests.KindCases cases) : IClassFixture<CorpusKindsTests.KindCases>
{
    public static TheoryData<string> Kinds() => [.. KindCases.Names];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Run_KindAlone_LabelledWithItsCauseAndStatusFromWhatNginxWrote(string name)
    {
        var kind = FailureKind.All.Single(k => k.Name == name);
        if (kind.NeedsRoot && !FailureKind.CanChangeRoutes)
        {
            // Not root: the generator does not draw the kind (and says so); nothing else to check here.
            Assert.DoesNotContain(kind, FailureKind.Available);
            return;
        }

        Assert.True(FailureKind.Available.Contains(kind), $"{name}: its application server is not installed (scripts/test installs it).");

        var manifest = cases.Result(name);

        var label = Assert.Single(manifest.Incidents);
        Assert.Equal(name, label.Scenario);
        Assert.Equal(kind.Cause, label.Cause);
        Assert.Equal(kind.Status, label.Status);
        Assert.True(label.FailedRequests >= CaseLabeler.MinFailedRequests);
        Assert.Equal(["quiet.example.test"], manifest.QuietHosts);
        if (kind.Servers.Count > 0 || kind.Name == "throttled")
        {
            Assert.False(string.IsNullOrEmpty(label.Detail));
        }
    }

    [Fact]
    public void Run_SyslogCases_RawIsNginxsOwnLinesAndSyslogNgDeliveredEveryAccessLine()
    {
        var syslog = KindCases.Names.Select(cases.Result).Where(m => m.Logging == "syslog").ToList();

        Assert.Equal(CaseDraw.SyslogTemplates.Order(), syslog.Select(m => m.Prefix).Distinct().Order());
        Assert.All(syslog, m =>
        {
            Assert.Contains($"syslog-ng delivered all {m.AccessLines} access", m.Raw, StringComparison.Ordinal);
            var raw = File.ReadAllLines(Path.Combine(cases.Directory, m.Id, "raw", "access.log"));
            var delivered = File.ReadAllLines(Path.Combine(cases.Directory, m.Id, "access.log"));
            Assert.Equal(raw.Length, delivered.Length);
            Assert.Equal(raw, delivered.Select(l => SyslogNgReceiver.StripHeader(m.Prefix, l)));
        });
    }

    [Theory]
    [InlineData("syslog-default", "Nov 30 10:00:00 vm nginx: 2026/11/30 10:00:00 [error] 7#7: *1 connect() failed", "2026/11/30 10:00:00 [error] 7#7: *1 connect() failed")]
    [InlineData("syslog-default", "Dec  1 09:05:07 web-01 nginx_access: 203.0.113.7 - - [01/Dec/2026:09:05:07 +0545] \"GET / HTTP/1.1\" 502 0", "203.0.113.7 - - [01/Dec/2026:09:05:07 +0545] \"GET / HTTP/1.1\" 502 0")]
    [InlineData("syslog-iso", "2026-11-30T10:00:00+05:45 vm nginx_access: {\"status\":502}", "{\"status\":502}")]
    [InlineData("syslog-iso", "2026-11-30T01:40:50-03:30 vm nginx: 2026/11/30 01:40:50 [warn] 9#9: *2 an upstream response is buffered", "2026/11/30 01:40:50 [warn] 9#9: *2 an upstream response is buffered")]
    [InlineData("syslog-rfc5424", "<190>1 2026-11-30T01:40:50-03:30 vm nginx_access - - - time=\"30/Nov/2026:01:40:50 -0330\" status=\"502\"", "time=\"30/Nov/2026:01:40:50 -0330\" status=\"502\"")]
    [InlineData("syslog-rfc5424", "<187>1 2026-11-30T10:00:00Z vm nginx - - [meta x=\"1\"] 2026/11/30 10:00:00 [error] 7#7: *1 x", "2026/11/30 10:00:00 [error] 7#7: *1 x")]
    [InlineData("syslog-iso", "#0 {main}", null)]
    public void StripHeader_LineInTemplate_GivesNginxsLine(string template, string line, string? expected)
    {
        Assert.Equal(expected, SyslogNgReceiver.StripHeader(template, line));
    }

    /// <summary>One short case per kind, run concurrently once for the class.</summary>
    public sealed class KindCases : IAsyncLifetime
    {
        public static readonly IReadOnlyList<string> Names =
        [
            "php-fpm-stopped", "php-fpm-max-children", "php-fpm-terminate",
            "uwsgi-harakiri", "uwsgi-backlog", "uwsgi-killed",
            "gunicorn-timeout", "gunicorn-killed", "gunicorn-backlog",
            "node-killed", "node-slow", "node-destroy",
            "throttled", "no-route", "net-unreachable",
        ];

        private const int DurationSeconds = 60;

        private readonly Dictionary<string, CaseManifest> _results = [];
        private readonly Dictionary<string, string> _failures = [];

        public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("corpus-kinds-").FullName;

        internal CaseManifest Result(string name) =>
            _results.TryGetValue(name, out var manifest) ? manifest : throw new InvalidOperationException($"{name}: {_failures.GetValueOrDefault(name, "not run")}");

        public async Task InitializeAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(15));
            using var slots = new SemaphoreSlim(6);
            var runnable = Names.Select((n, i) => (Kind: FailureKind.All.Single(k => k.Name == n), Index: i))
                .Where(k => FailureKind.Available.Contains(k.Kind))
                .ToList();
            await Task.WhenAll(runnable.Select(async k =>
            {
                await slots.WaitAsync(timeout.Token);
                try
                {
                    var draw = Draw(k.Kind, k.Index);
                    try
                    {
                        var manifest = await CorpusCaseRunner.RunAsync(draw, Path.Combine(Directory, draw.Id), TimeProvider.System, timeout.Token);
                        lock (_results)
                        {
                            _results[k.Kind.Name] = manifest;
                        }
                    }
                    catch (CaseCheckException e)
                    {
                        lock (_results)
                        {
                            _failures[k.Kind.Name] = e.Message;
                        }
                    }
                }
                finally
                {
                    slots.Release();
                }
            }));
        }

        public Task DisposeAsync()
        {
            System.IO.Directory.Delete(Directory, recursive: true);
            return Task.CompletedTask;
        }

        /// <summary>The kind alone on one host, failing from second 20 to 45, with a quiet host next to it.</summary>
        private static CaseDraw Draw(FailureKind kind, int index)
        {
            var random = new Random(index);
            var syslog = index % 2 == 0;
            const string Host = "failing.example.test";
            const string Quiet = "quiet.example.test";
            return new CaseDraw
            {
                Id = $"kind-{kind.Name}",
                Seed = 0,
                Attempt = 0,
                Format = CorpusFormats.Draw(random),
                TimeZone = CorpusZones.All[index % CorpusZones.All.Count],
                ErrorLogLevel = "warn",
                Logging = syslog ? "syslog" : "file",
                Prefix = syslog ? CaseDraw.SyslogTemplates[index / 2 % CaseDraw.SyslogTemplates.Count] : "none",
                DurationSeconds = DurationSeconds,
                Hosts = [Host, Quiet],
                Locations = new Dictionary<string, IReadOnlyList<string>> { [Host] = ["/"], [Quiet] = ["/"] },
                Failures = [new FailureDraw("f1", kind, Host, "/orders/", [new FailureWindow(20, 45)], kind.Status)],
                Noise = new NoiseDraw(Quiet, "/reports/", Quiet, "/export/", Quiet, "/legacy/", StrayCount: 0, Scanners: 3, PhpFatalHost: null, PhpFatalPath: "/old/"),
                TrafficSeed = index,
            };
        }
    }
}
