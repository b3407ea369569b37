using System.Globalization;
using System.Text.Json;
using FunctionsApp.Incidents;
using FunctionsApp.Metrics;
using FunctionsApp.NginxConfig;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.Cli;

/// <summary>
/// The offline <c>analyze</c> verb: point it at nginx access and error logs, get the incidents with
/// their causes, evidence and remediation, as a report for a person or as JSON.
/// </summary>
internal static class AnalyzeCommand
{
    public const string Usage = """
        Usage: analyze [--access FILE]... [--error FILE]... [--nginx-config FILE] [--log-format FORMAT] [--json]
                       [--html FILE]
                       [--error-log-utc-offset +01:00] [--min-failures N] [--window SECONDS] [--quiet-period SECONDS]

          --access FILE        nginx access log; repeat for several, in any order (rotated files are read oldest
                               first, by their first times); '-' is stdin; .gz is read directly
          --error FILE         nginx error log; repeat for several, likewise
          --nginx-config FILE  the nginx configuration: `nginx -T` output saved to a file ('-' is stdin), or the main
                               nginx.conf (includes resolved relative to it), or one conf.d file.
                               Alone: the configuration's findings.
                               With logs: incidents routed to their server/location/upstream, plus log-aware findings
          --log-format FORMAT  the access log's log_format: a preset (combined, main, ingress-nginx,
                               ingress-nginx-2017, ingress-nginx-2016, nginx-proxy-manager, nginx-proxy,
                               nginx-proxy-legacy, json), the format string, or
                               the whole 'log_format name ...;' directive. Default: detect it (the report prints
                               what it detected, ready to pass here).
          --json               print JSON instead of a report
          --html FILE          also write the incidents as one self-contained HTML page (timeline, evidence, fixes)
          --error-log-utc-offset  UTC offset of the error log's local times (default: the access log's), and of
                                  access-log times written without a zone
          --min-failures N     failed requests within the window that open an incident (default 3)
          --window SECONDS     that window (default 60)
          --quiet-period SECONDS  failure-free time that closes an incident (default 120)
        """;

    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (!TryParseArguments(args, out var parsed, out var error))
        {
            stderr.WriteLine($"analyze: {error}");
            stderr.WriteLine(Usage);
            return Task.FromResult(2);
        }

        if (parsed.Help)
        {
            stdout.WriteLine(Usage);
            return Task.FromResult(0);
        }

        foreach (var path in parsed.Access.Concat(parsed.Error).Append(parsed.NginxConfig).OfType<string>().Where(p => p != "-"))
        {
            if (!File.Exists(path))
            {
                stderr.WriteLine($"analyze: no such file: {path}");
                return Task.FromResult(2);
            }
        }

        AccessLogFormat? format = null;
        if (parsed.Format is not null && !AccessLogFormat.TryCompile(parsed.Format, out format, out var formatError))
        {
            stderr.WriteLine($"analyze: bad --log-format: {formatError}");
            return Task.FromResult(2);
        }

        ConfigParseResult? config = null;
        if (parsed.NginxConfig is { } configPath)
        {
            config = configPath == "-" ? NginxConfigParser.ParseText(Console.In.ReadToEnd(), "stdin") : NginxConfigParser.ParseFile(configPath);
            var withLogs = parsed.Access.Count > 0 || parsed.Error.Count > 0;
            foreach (var configError in config.Errors)
            {
                stderr.WriteLine(withLogs
                    ? $"analyze: warning: the nginx configuration cannot be read, so the logs are analysed without it: {configError}"
                    : $"analyze: the nginx configuration cannot be read: {configError}");
            }

            if (!config.Succeeded)
            {
                // Like nginx -t: the first syntax error makes the configuration unusable. Checking it alone, that fails
                // the run; beside logs (a fragment pasted without its last brace), the logs still say what failed.
                if (!withLogs)
                {
                    return Task.FromResult(config.Errors.Any(e => e.Line == 0) ? 2 : 1);
                }

                config = null;
            }
            else
            {
                foreach (var warning in config.Warnings)
                {
                    stderr.WriteLine($"analyze: warning: {warning}");
                }
            }

            if (config is not null && parsed.Access.Count == 0 && parsed.Error.Count == 0)
            {
                var alone = ConfigReport.Create(config.Model!, ConfigChecks.Run(config.Model!), config.Warnings);
                if (parsed.Json)
                {
                    stdout.WriteLine(JsonSerializer.Serialize(alone, CliJsonContext.Readable.GetTypeInfo(typeof(ConfigReport))));
                }
                else
                {
                    ReportWriter.WriteConfig(alone, stdout);
                }

                return Task.FromResult(0);
            }
        }

        AnalysisReport report;
        try
        {
            // A file given as both (one stream of both kinds, `docker logs`), or given once and again as a copy of it,
            // is read once: the access side reads the error lines among its own, and reading it twice would count every
            // request twice.
            var errorPaths = parsed.Error.Where(e => e == "-" || !parsed.Access.Any(a => a != "-" && (SameFile(a, e) || SameContent(a, e))));
            // The configuration says which addresses nginx reached through the name localhost: there a refused [::1] was
            // a try nginx went on from, to 127.0.0.1.
            var options = config?.Model is { } named ? parsed.Options.WithLocalhostIpv6Servers(named.LocalhostIpv6Servers()) : parsed.Options;
            report = LogAnalyzer.Analyze(
                [.. parsed.Access.Select(LogInput.FromPath)], [.. errorPaths.Select(LogInput.FromPath)], format, options, cancellationToken);
        }
        catch (IOException ex)
        {
            stderr.WriteLine($"analyze: cannot read the logs: {ex.Message}");
            return Task.FromResult(2);
        }
        catch (InvalidDataException ex)
        {
            stderr.WriteLine($"analyze: a compressed log is corrupt: {ex.Message}");
            return Task.FromResult(2);
        }

        // Only a file in which nothing parses is worth saying so: a few bad lines are counted, not fatal. Lines nothing
        // reads are bad input, counted and kept as malformed, and the report says so (a paste of fragments, a shipper's
        // wrapping no reader knows); it fails the run only when a format the user named read no line of any file: the
        // command is wrong, not the logs.
        var unreadable = report.Stats.Inputs.Where(i => i.Lines > 0 && i.Parsed == 0).ToList();
        var nothingRead = format is not null && unreadable.Any(i => i.Kind == "access") && report.Stats.Inputs.All(i => i.Parsed == 0);
        foreach (var input in unreadable)
        {
            var tried = input.Kind == "access"
                ? format is null ? $"detection (the presets {string.Join(", ", AccessLogFormat.PresetNames)}, JSON keys, and text layouts inferred from the values), which found {report.Stats.Format}" : $"the format '{format.Name}': {Shorten(format.Definition)}"
                : "the nginx error-log format (yyyy/MM/dd HH:mm:ss [level] pid#tid: ...)";
            stderr.WriteLine($"analyze: {(nothingRead ? string.Empty : "warning: ")}no line of {input.Name} ({input.Lines} lines) is a valid {input.Kind} log line; tried {tried}.");
        }

        foreach (var input in report.Stats.Inputs.Where(i => i.Lines == 0))
        {
            stderr.WriteLine($"analyze: warning: {input.Name} is empty.");
        }

        // Offline there are no metric mappings or Azure credentials: say so in each incident's metrics object.
        report = report with
        {
            Incidents = [.. report.Incidents.Select(i => i with
            {
                Metrics = IncidentMetrics.NoData(
                    MetricsNoDataReason.NoMapping,
                    "Offline analysis reads no Azure Monitor metrics; the service does, for upstreams mapped under Metrics:Upstreams.",
                    i.Untimed ? i.Start : i.Start - new MetricsOptions().BaselinePeriod, i.Start, i.End),
            })],
        };

        ConfigReport? configReport = null;
        if (config?.Model is { } model)
        {
            // The access log again, routed through the configuration: latency per location, how long 504s took.
            RouteObservations? observations = null;
            var formatSpec = parsed.Format ?? report.Stats.Format;
            if (!parsed.Access.Contains("-") && parsed.Access.Count > 0 && AccessLogFormat.TryCompile(formatSpec, out var routeFormat, out _))
            {
                observations = RouteObservations.Collect(model, [.. parsed.Access.Select(LogInput.FromPath)], routeFormat, cancellationToken);
            }

            report = report with { Incidents = IncidentConfigEnricher.Enrich(report.Incidents, model, observations) };
            configReport = ConfigReport.Create(
                model,
                [.. ConfigChecks.Run(model).Concat(LogChecks.Run(model, observations, report.Incidents)).OrderBy(f => model.FileOrder(f.File)).ThenBy(f => f.Line)],
                config.Warnings);
        }

        if (parsed.Html is { } html && !WriteHtml(html, report, parsed, stderr))
        {
            return Task.FromResult(2);
        }

        if (parsed.Json)
        {
            stdout.WriteLine(configReport is null
                ? JsonSerializer.Serialize(report, IncidentJsonContext.Readable.GetTypeInfo(typeof(AnalysisReport)))
                : JsonSerializer.Serialize(new AnalysisWithConfig(report.Incidents, report.Stats, configReport), CliJsonContext.Readable.GetTypeInfo(typeof(AnalysisWithConfig))));
        }
        else
        {
            ReportWriter.Write(report, stdout);
            if (configReport is not null)
            {
                stdout.WriteLine();
                ReportWriter.WriteConfig(configReport, stdout);
            }
        }

        return Task.FromResult(nothingRead ? 1 : 0);
    }

    /// <summary>The dashboard's incident view as one file: same script and styles, the report as its data.</summary>
    private static bool WriteHtml(string path, AnalysisReport report, Arguments parsed, TextWriter stderr)
    {
        try
        {
            var title = string.Join(", ", parsed.Access.Concat(parsed.Error).Select(Path.GetFileName));
            File.WriteAllText(path, Dashboard.DashboardPage.Report(new Dashboard.DashboardReport(TimeProvider.System.GetUtcNow(), title, report)));
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"analyze: cannot write {path}: {ex.Message}");
            return false;
        }
    }

    private static bool SameFile(string a, string b) =>
        string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

    /// <summary>Two files of the same bytes (a paste saved twice, once per flag); false when either cannot be read.</summary>
    private static bool SameContent(string a, string b)
    {
        try
        {
            var (first, second) = (new FileInfo(a), new FileInfo(b));
            if (!first.Exists || !second.Exists || first.Length != second.Length)
            {
                return false;
            }

            using var one = first.OpenRead();
            using var other = second.OpenRead();
            Span<byte> left = stackalloc byte[8192];
            Span<byte> right = stackalloc byte[8192];
            while (true)
            {
                var read = one.ReadAtLeast(left, left.Length, throwOnEndOfStream: false);
                if (read == 0)
                {
                    return true;
                }

                if (other.ReadAtLeast(right[..read], read, throwOnEndOfStream: false) != read || !left[..read].SequenceEqual(right[..read]))
                {
                    return false;
                }
            }
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string Shorten(string s) => s.Length > 100 ? s[..100] + "…" : s;

    private static bool TryParseArguments(string[] args, out Arguments parsed, out string error)
    {
        parsed = new Arguments();
        error = string.Empty;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string? Value()
            {
                if (i + 1 < args.Length)
                {
                    return args[++i];
                }

                return null;
            }

            switch (arg)
            {
                case "-h" or "--help":
                    parsed.Help = true;
                    break;
                case "--json":
                    parsed.Json = true;
                    break;
                case "--access" or "--error" or "--nginx-config" or "--log-format" or "--error-log-utc-offset" or "--min-failures" or "--window" or "--quiet-period" or "--html":
                    if (Value() is not { } value)
                    {
                        error = $"{arg} needs a value";
                        return false;
                    }

                    if (!Apply(parsed, arg, value, out error))
                    {
                        return false;
                    }

                    break;
                default:
                    error = $"unknown argument '{arg}'";
                    return false;
            }
        }

        if (!parsed.Help && parsed.Access.Count == 0 && parsed.Error.Count == 0 && parsed.NginxConfig is null)
        {
            error = "give at least one --access or --error log, or --nginx-config";
            return false;
        }

        return true;
    }

    private static bool Apply(Arguments parsed, string arg, string value, out string error)
    {
        error = string.Empty;
        switch (arg)
        {
            case "--access":
                parsed.Access.Add(value);
                return true;
            case "--error":
                parsed.Error.Add(value);
                return true;
            case "--log-format":
                parsed.Format = value;
                return true;
            case "--nginx-config":
                if (parsed.NginxConfig is not null)
                {
                    error = "--nginx-config is given twice; give the main file or the nginx -T output once";
                    return false;
                }

                parsed.NginxConfig = value;
                return true;
            case "--html":
                parsed.Html = value;
                return true;
            case "--error-log-utc-offset":
                if (!TimeSpan.TryParse(value.TrimStart('+'), CultureInfo.InvariantCulture, out var offset) || offset.Duration() > TimeSpan.FromHours(14))
                {
                    error = $"--error-log-utc-offset '{value}' is not an offset like +01:00 or -05:00";
                    return false;
                }

                parsed.Options.ErrorLogUtcOffset = offset;
                return true;
            default:
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1)
                {
                    error = $"{arg} takes a positive whole number, not '{value}'";
                    return false;
                }

                if (arg == "--min-failures")
                {
                    parsed.Options.MinFailures = number;
                }
                else if (arg == "--window")
                {
                    parsed.Options.Window = TimeSpan.FromSeconds(number);
                }
                else
                {
                    parsed.Options.QuietPeriod = TimeSpan.FromSeconds(number);
                }

                return true;
        }
    }

    private sealed class Arguments
    {
        public List<string> Access { get; } = [];

        public List<string> Error { get; } = [];

        public string? Format { get; set; }

        public string? NginxConfig { get; set; }

        public bool Json { get; set; }

        public string? Html { get; set; }

        public bool Help { get; set; }

        public DiagnosisOptions Options { get; } = new();
    }
}
