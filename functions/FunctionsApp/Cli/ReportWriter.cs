using System.Globalization;
using FunctionsApp.Incidents;
using FunctionsApp.NginxConfig;

namespace FunctionsApp.Cli;

/// <summary>The report a person reads in a terminal: one block per incident, most important facts first.</summary>
internal static class ReportWriter
{
    public static void Write(AnalysisReport report, TextWriter output)
    {
        var stats = report.Stats;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Read {stats.AccessLines:N0} access lines (format: {stats.Format}), {stats.ErrorLines:N0} error lines, {stats.MalformedLines:N0} malformed."));
        if (stats.FormatDetected && stats.FormatTemplate is { } template)
        {
            output.WriteLine($"  Detected access-log format: --log-format '{template}'");
        }

        foreach (var config in stats.ConfigEvents)
        {
            var where = config.File is null ? "" : string.Create(CultureInfo.InvariantCulture, $" ({config.File}:{config.Line})");
            var times = config.Count > 1 ? string.Create(CultureInfo.InvariantCulture, $", {config.Count}×") : "";
            output.WriteLine($"  nginx configuration [{config.Level}]: {config.Message}{where}{times}");
        }

        foreach (var input in stats.Inputs.Where(i => i.Prefix is not null))
        {
            output.WriteLine($"  {input.Name}: a {input.Prefix} prefix was removed from its lines.");
        }

        if (stats.ErrorLogOffsetSource == DiagnosisEngine.AssumedUtc && stats.ErrorLines > 0)
        {
            output.WriteLine("  Error-log times are read as UTC: nothing here tells their zone (no access log with one). Pass --error-log-utc-offset if nginx's clock is not UTC.");
        }

        if (stats.ZonelessAccessLines > 0)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {stats.ZonelessAccessLines} access line(s) had a time without a zone: read, like the error log's, as {(stats.ErrorLogOffsetSource == "configured" ? "the configured offset" : "UTC")}. Pass --error-log-utc-offset (it applies to both) if nginx's clock is not UTC."));
        }

        if (stats.YearlessAccessLines > 0)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {stats.YearlessAccessLines} access line(s) had no time of nginx's and were timed by their syslog header, which gives no year: read in {stats.YearAssumed} ({(stats.YearAssumed == 1970 ? "no line gave a year" : "the error log's")})."));
        }

        if (stats.UntimedErrorLines > 0)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {stats.UntimedErrorLines} error line(s) had no time of nginx's (pasted from the level or message on): each is read at the time of the line before it, or when none had one at the first time after it (its own log's, else the access log's), or at 1970-01-01."));
        }

        foreach (var input in stats.Inputs.Where(i => i.NewestFirst is true))
        {
            output.WriteLine($"  {input.Name}: listed newest first; read last line first.");
        }

        foreach (var sample in stats.MalformedSamples)
        {
            output.WriteLine($"  malformed: {sample}");
        }

        if (report.Incidents.Count == 0 && stats.AccessLines + stats.ErrorLines == 0 && stats.MalformedLines > 0)
        {
            // Nothing was read: the lines say nothing of failures either way, and the report must not claim there were none.
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Nothing to report on: none of the {stats.MalformedLines} line(s) could be read, so nothing is known of failures in them. Name the access log's format (--log-format, with a time field: $time_local, $time_iso8601 or $msec), or give nginx's error log."));
            return;
        }

        if (report.Incidents.Count == 0)
        {
            output.WriteLine(stats.FailedRequests == 0
                ? "No 502/503/504 incidents: no failed requests in these logs." + (stats.ResponsesCutShort == 0 ? ""
                    : string.Create(CultureInfo.InvariantCulture, $" {stats.ResponsesCutShort} line(s) tell of answers that broke after nginx had passed their status on (`while reading upstream`, `while sending to client`, or a subrequest of the request's own URI: a slice after the first, a cache's background update): no gateway error."))
                    + (stats.TriesMovedPastToIpv4 == 0 ? ""
                    : string.Create(CultureInfo.InvariantCulture, $" {stats.TriesMovedPastToIpv4} tr(ies) on an IPv6 address failed, and nginx went on to the same name's IPv4 address (as its `upstream server temporarily disabled` says, or the configuration's `localhost`), which failed in no line: no client error. Each such request pays a failed connect: name the IPv4 address in `proxy_pass` (127.0.0.1 for localhost), or make the application listen on [::1] too."))
                : string.Create(CultureInfo.InvariantCulture, $"No incidents: {stats.FailedRequests} failed request(s), too few together to make one."));
            return;
        }

        if (stats.BelowThreshold && report.Incidents.All(i => i.Status == RequestJoin.StatusPassedOn))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"The logs hold no gateway error: {stats.ResponsesCutShort} answer(s) broke after nginx had passed their status on (`while reading upstream`, `while sending to client`), or were a subrequest of the request's own URI (a slice after the first, a cache's background update), so the client got its status, the body cut short or a cached one. Each is analysed anyway."));
        }
        else if (stats.BelowThreshold)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"The logs hold {stats.FailedRequests} failed request(s), too few together to make an incident (`--min-failures` within `--window`): they are reported below as incidents all the same."));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{report.Incidents.Count} incident(s):"));
        foreach (var incident in report.Incidents)
        {
            output.WriteLine();
            var statuses = string.Join(", ", incident.Statuses.Select(s => $"{s.Value}× {StatusText(s.Key)}"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"● {StatusText(incident.Status.ToString(CultureInfo.InvariantCulture))} on {incident.Upstream} for {incident.Host}: {IncidentCauses.DisplayName(incident.Cause)} (confidence {incident.Confidence:0.00}) [{incident.State.ToString().ToLowerInvariant()}]"));
            var recovered = incident.FailedTriesRecovered > 0
                ? string.Create(CultureInfo.InvariantCulture, $", {incident.FailedTriesRecovered} failed tries recovered by failover")
                : "";
            // An incident that ends on another day says which: "→ 03:53:59" after "04:26:39" reads as going backwards.
            // Lines pasted without nginx's time are read at the epoch's start when none before them had one: no time.
            var end = incident.End.ToString(incident.End.UtcDateTime.Date == incident.Start.UtcDateTime.Date ? "HH:mm:ss" : "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            var when = incident.Untimed ? "at a time the lines do not give" : string.Create(CultureInfo.InvariantCulture, $"{incident.Start:yyyy-MM-dd HH:mm:ss} → {end} UTC");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {when}, {incident.FailedRequests} failed request(s) ({statuses}){recovered}"));
            output.WriteLine($"  Why: {incident.Summary}");
            output.WriteLine("  Evidence:");
            foreach (var evidence in incident.Evidence.Where(e => e.Source is "error" or "access").Take(5))
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {evidence.Count,6}× {evidence.Signature}"));
                output.WriteLine($"            e.g. {evidence.Sample}");
            }

            // Evidence from the configuration and from probes is a statement each, not a count of log lines.
            foreach (var evidence in incident.Evidence.Where(e => e.Source is not ("error" or "access")))
            {
                output.WriteLine($"    {evidence.Source}: {evidence.Sample}");
            }

            output.WriteLine("  Fix:");
            foreach (var step in incident.Remediation)
            {
                output.WriteLine($"    - {step}");
            }
        }
    }

    /// <summary>The configuration check: the files read, then each finding with its place, why and fix.</summary>
    public static void WriteConfig(ConfigReport config, TextWriter output)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Read the nginx configuration: {config.Files.Count} file(s), {config.Servers} server block(s), {config.Upstreams} upstream block(s)."));
        foreach (var warning in config.Warnings)
        {
            output.WriteLine($"  warning: {warning}");
        }

        if (config.Findings.Count == 0)
        {
            output.WriteLine("No configuration findings.");
            return;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{config.Findings.Count} configuration finding(s):"));
        foreach (var finding in config.Findings)
        {
            output.WriteLine();
            output.WriteLine($"● {finding.File}:{finding.Line}: {finding.Rule} [{finding.Severity.ToString().ToLowerInvariant()}]");
            output.WriteLine($"  {finding.Directive}");
            output.WriteLine($"  Why: {finding.Why}");
            output.WriteLine($"  Fix: {finding.Fix}");
            if (finding.Related.Count > 0)
            {
                output.WriteLine($"  See: {string.Join(", ", finding.Related)}");
            }
        }
    }

    /// <summary>A status as the report says it: the upstream's own, passed on before the answer broke, is in no line.</summary>
    private static string StatusText(string status) =>
        status == RequestJoin.StatusPassedOn.ToString(CultureInfo.InvariantCulture) ? "a response cut short (the upstream's status, not logged)" : status;
}
