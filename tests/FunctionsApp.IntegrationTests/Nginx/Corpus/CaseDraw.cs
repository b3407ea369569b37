namespace FunctionsApp.IntegrationTests.Nginx.Corpus;

/// <summary>Everything drawn for one case before anything runs: same seed, index and attempt, same draw.</summary>
internal sealed record CaseDraw
{
    public static readonly IReadOnlyList<string> ErrorLogLevels = ["info", "notice", "warn", "error"];

    public static readonly IReadOnlyList<string> Prefixes =
        ["none", "compose", "docker-t", "kubectl", "journald", "cri", "docker-json", "filebeat", "vector"];

    /// <summary>How nginx's logs reach the files: written by nginx, or sent to syslog-ng.</summary>
    public static readonly IReadOnlyList<string> Loggings = ["file", "syslog"];

    /// <summary>How syslog-ng writes what nginx sent it: its default file template, ISO dates, or RFC 5424.</summary>
    public static readonly IReadOnlyList<string> SyslogTemplates = ["syslog-default", "syslog-iso", "syslog-rfc5424"];

    /// <summary>Shortest and longest drawn case, in seconds.</summary>
    public const int MinDuration = 120;

    public const int MaxDuration = 420;

    private static readonly string[] HostPool =
    [
        "shop.example.com", "api.example.com", "auth.example.net", "admin.example.org", "cdn.example.com",
        "billing.example.net", "app.example.org", "status.example.com", "partners.example.com", "www.example.org",
    ];

    private static readonly string[] PathPool =
    [
        "orders", "checkout", "cart", "search", "login", "graphql", "reports", "billing", "inventory", "users", "upload",
        "feed", "notifications", "payments", "profile", "catalog", "media", "export", "webhooks", "invoices", "sessions",
        "recommendations", "shipping", "tokens", "metrics", "events", "comments", "files", "pricing", "accounts",
    ];

    public required string Id { get; init; }

    public required int Seed { get; init; }

    public required int Attempt { get; init; }

    public required CorpusFormat Format { get; init; }

    public required string TimeZone { get; init; }

    public required string ErrorLogLevel { get; init; }

    /// <summary><c>file</c> (nginx writes the files), or <c>syslog</c> (nginx sends both logs to a real syslog-ng).</summary>
    public required string Logging { get; init; }

    /// <summary>For <c>file</c>: the prefix a runtime adds (<see cref="Prefixes"/>); for <c>syslog</c>: syslog-ng's template (<see cref="SyslogTemplates"/>).</summary>
    public required string Prefix { get; init; }

    public required int DurationSeconds { get; init; }

    public required IReadOnlyList<string> Hosts { get; init; }

    /// <summary>Per host, the healthy locations that carry its background traffic (the first is <c>/</c>).</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<string>> Locations { get; init; }

    public required IReadOnlyList<FailureDraw> Failures { get; init; }

    public required NoiseDraw Noise { get; init; }

    /// <summary>A generator for the traffic's details (paths, clients, arrival times), seeded from the draw.</summary>
    public required int TrafficSeed { get; init; }

    /// <summary>Draws case <paramref name="index"/> of corpus <paramref name="seed"/>.</summary>
    /// <param name="seed">The corpus seed.</param>
    /// <param name="index">The case's index in the corpus.</param>
    /// <param name="attempt">0, or how many draws of this case failed their checks before.</param>
    /// <param name="kinds">Failure kinds to draw from.</param>
    /// <param name="families">Format families to draw from (all when null).</param>
    /// <param name="loggings">Logging paths to draw from.</param>
    /// <param name="durationSeconds">Case length; drawn (120–420 s) when null.</param>
    public static CaseDraw Create(
        int seed,
        int index,
        int attempt,
        IReadOnlyList<FailureKind> kinds,
        IReadOnlyList<string>? families,
        IReadOnlyList<string> loggings,
        int? durationSeconds)
    {
        // HashCode.Combine is randomized per process; the draw must be the same on every machine.
        var caseSeed = (int)((((uint)seed * 2654435761u) ^ ((uint)index * 40503u) ^ ((uint)attempt * 2246822519u)) & 0x7fffffff);
        var random = new Random(caseSeed);
        var family = families is null ? null : families[random.Next(families.Count)];
        var format = CorpusFormats.Draw(random, family);
        var duration = durationSeconds ?? random.Next(MinDuration, MaxDuration + 1);

        var hosts = HostPool.OrderBy(_ => random.Next()).Take(random.Next(3, 6)).ToList();
        var paths = new Queue<string>(PathPool.OrderBy(_ => random.Next()));
        var locations = hosts.ToDictionary(
            h => h,
            h => (IReadOnlyList<string>)["/", .. Enumerable.Range(0, random.Next(0, 2)).Select(_ => $"/{paths.Dequeue()}/")]);

        // 2–4 failures; at most two per host, each on its own upstream; at least one host stays quiet.
        var failureCount = Math.Min(random.Next(2, 5), 2 * (hosts.Count - 1));
        var failingHosts = hosts.Take(hosts.Count - 1).ToList();
        var perHost = new Dictionary<string, int>();
        var failures = new List<FailureDraw>();
        var fitting = kinds.Where(k => k.MinDurationSeconds <= duration).ToList();
        for (var i = 0; i < failureCount; i++)
        {
            var kind = fitting[random.Next(fitting.Count)];
            var host = failingHosts.Where(h => perHost.GetValueOrDefault(h) < 2).OrderBy(_ => random.Next()).First();
            perHost[host] = perHost.GetValueOrDefault(host) + 1;
            var status = kind.Status != 0 ? kind.Status : new[] { 502, 503, 504 }[random.Next(3)];
            failures.Add(new FailureDraw($"f{i + 1}", kind, host, $"/{paths.Dequeue()}/", DrawWindows(random, kind, duration), status));
        }

        var logging = loggings[random.Next(loggings.Count)];
        var quiet = hosts.Except(failures.Select(f => f.Host)).ToList();
        var noise = new NoiseDraw(
            FailoverHost: hosts[random.Next(hosts.Count)],
            FailoverPath: $"/{paths.Dequeue()}/",
            AbortHost: hosts[random.Next(hosts.Count)],
            AbortPath: $"/{paths.Dequeue()}/",
            StrayHost: quiet[random.Next(quiet.Count)],
            StrayPath: $"/{paths.Dequeue()}/",
            StrayCount: random.Next(0, 2 + (duration / 100)),
            Scanners: random.Next(5, 25),
            PhpFatalHost: random.NextDouble() < 0.5 ? hosts[random.Next(hosts.Count)] : null,
            PhpFatalPath: $"/{paths.Dequeue()}/");

        return new CaseDraw
        {
            Id = $"s{seed}-{index:D3}",
            Seed = seed,
            Attempt = attempt,
            Format = format,
            TimeZone = CorpusZones.All[random.Next(CorpusZones.All.Count)],
            ErrorLogLevel = ErrorLogLevels[random.Next(ErrorLogLevels.Count)],
            Logging = logging,
            Prefix = logging == "syslog" ? SyslogTemplates[random.Next(SyslogTemplates.Count)] : Prefixes[random.Next(Prefixes.Count)],
            DurationSeconds = duration,
            Hosts = hosts,
            Locations = locations,
            Failures = failures,
            Noise = noise,
            TrafficSeed = random.Next(),
        };
    }

    /// <summary>
    /// A failure's windows: 20–45 s each. A second window starts at least three minutes after the first ends, so that
    /// the engine's quiet period (two minutes) closes the first incident before the second begins.
    /// </summary>
    private static List<FailureWindow> DrawWindows(Random random, FailureKind kind, int duration)
    {
        var length = random.Next(20, 46);
        if (kind.Windows > 1)
        {
            var firstStart = random.Next(15, 31);
            var firstEnd = firstStart + length;
            var secondStart = firstEnd + random.Next(180, 201);
            var secondEnd = Math.Min(secondStart + random.Next(20, 41), duration - 5);
            return [new(firstStart, firstEnd), new(secondStart, secondEnd)];
        }

        var start = kind.Timing switch
        {
            FailureTiming.FromStart => random.Next(0, 4),
            FailureTiming.NewRoute => random.Next(95, Math.Max(96, duration - length - 5)),
            _ => random.Next(15, Math.Max(16, duration - length - 5)),
        };
        return [new(start, Math.Min(start + length, duration - 3))];
    }
}

/// <summary>One provoked failure: its kind, where (host, location), and its windows in seconds from the capture's start.</summary>
internal sealed record FailureDraw(string Id, FailureKind Kind, string Host, string Path, IReadOnlyList<FailureWindow> Windows, int Status)
{
    public int StartSecond => Windows[0].Start;

    public int EndSecond => Windows[^1].End;
}

/// <summary>Seconds from the capture's start during which a failure is provoked.</summary>
internal sealed record FailureWindow(int Start, int End);

/// <summary>Noise that must open no incident.</summary>
/// <param name="FailoverHost">A host with a location whose group has a dead server that nginx fails over from.</param>
/// <param name="FailoverPath">That location.</param>
/// <param name="AbortHost">A host with a slow location that clients give up on (499).</param>
/// <param name="AbortPath">That location.</param>
/// <param name="StrayHost">A quiet host that sees a few stray 502s (fewer than 3 in 60 s).</param>
/// <param name="StrayPath">The location with nothing behind it.</param>
/// <param name="StrayCount">How many stray requests (0–2).</param>
/// <param name="Scanners">How many scanner requests (random paths, odd methods, garbage request lines).</param>
/// <param name="PhpFatalHost">A host with a PHP page that dies with a fatal error (500 and "FastCGI sent in stderr", no incident), or null.</param>
/// <param name="PhpFatalPath">That location.</param>
internal sealed record NoiseDraw(
    string FailoverHost,
    string FailoverPath,
    string AbortHost,
    string AbortPath,
    string StrayHost,
    string StrayPath,
    int StrayCount,
    int Scanners,
    string? PhpFatalHost,
    string PhpFatalPath);
