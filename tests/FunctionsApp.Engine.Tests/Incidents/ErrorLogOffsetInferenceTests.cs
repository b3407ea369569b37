using System.Globalization;
using FunctionsApp.Incidents;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.Engine.Tests.Incidents;

/// <summary>
/// nginx writes the error log in local time without an offset; when the access log says only UTC or epoch seconds,
/// the offset is found by aligning failed requests with the error lines about them.
/// </summary>
public sealed class ErrorLogOffsetInferenceTests
{
    private static readonly DateTimeOffset Base = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, string> Zones => new()
    {
        { "+05:45", "msec" },
        { "-03:30", "msec" },
        { "+13:45", "iso-utc" },
        { "+01:00", "iso-z" },
        { "+00:00", "msec" },
        { "-08:00", "iso-z" },
    };

    [Theory]
    [MemberData(nameof(Zones))]
    public void Analyze_AccessLogInUtc_ErrorLogInLocalTime_FindsTheOffsetAndJoins(string zone, string timeStyle)
    {
        var offset = TimeSpan.Parse(zone.TrimStart('+'), CultureInfo.InvariantCulture);
        var (format, access) = AccessLog(timeStyle);
        var errors = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            var local = Base.AddSeconds(30 + i).ToOffset(offset);
            errors.Add($"{local:yyyy/MM/dd HH:mm:ss} [error] 7#7: *{100 + i} upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.9.8.{i}, server: api.test, request: \"GET /slow/{i} HTTP/1.1\", upstream: \"http://10.0.0.1:8080/slow/{i}\", host: \"api.test\"");
        }

        Assert.True(AccessLogFormat.TryCompile(format, out var compiled, out var error), error);
        var report = LogAnalyzer.Analyze([EngineTestKit.Input("access", access)], [EngineTestKit.Input("error", errors)], compiled, new DiagnosisOptions(), CancellationToken.None);

        var incident = Assert.Single(report.Incidents);
        Assert.Equal((IncidentCause.Timeout, 504, 12), (incident.Cause, incident.Status, incident.FailedRequests));
        Assert.Equal(12, incident.Evidence.Single(e => e.Source == "error").Count);
        Assert.Equal(zone, report.Stats.ErrorLogUtcOffset);
        Assert.StartsWith(offset == TimeSpan.Zero && timeStyle != "msec" ? "access log" : "inferred", report.Stats.ErrorLogOffsetSource, StringComparison.Ordinal);
    }

    /// <summary>
    /// A format that mapped $time_iso8601 into a local time without its zone ('map $time_iso8601 $time { ... "$1 $2"; }'):
    /// both logs are nginx's local time, so they join whatever it is; the configured offset, when given, places both.
    /// </summary>
    [Theory]
    [InlineData(null)]
    [InlineData("-09:30")]
    public void Analyze_AccessTimesWithoutAZone_AreReadInTheErrorLogsOffset(string? configured)
    {
        var offset = new TimeSpan(-9, -30, 0);
        var access = new List<string>();
        var errors = new List<string>();
        for (var i = 0; i < 60; i++)
        {
            var local = Base.AddSeconds(i).ToOffset(offset);
            var failed = i >= 30 && i < 42;
            access.Add($"{local:yyyy-MM-dd HH:mm:ss} 10.9.8.{i} {(failed ? 504 : 200)} \"GET /slow/{i}?page=2 HTTP/1.1\"");
            if (failed)
            {
                errors.Add($"{local:yyyy/MM/dd HH:mm:ss} [error] 7#7: *{100 + i} upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.9.8.{i}, server: api.test, request: \"GET /slow/{i}?page=2 HTTP/1.1\", upstream: \"http://10.0.0.1:8080/slow/{i}\", host: \"api.test\"");
            }
        }

        var options = new DiagnosisOptions { ErrorLogUtcOffset = configured is null ? null : offset };
        var report = LogAnalyzer.Analyze([EngineTestKit.Input("access", access)], [EngineTestKit.Input("error", errors)], format: null, options, CancellationToken.None);

        var incident = Assert.Single(report.Incidents);
        Assert.Equal((IncidentCause.Timeout, 504, 12, "10.0.0.1:8080"), (incident.Cause, incident.Status, incident.FailedRequests, incident.Upstream));
        Assert.Equal(60, report.Stats.ZonelessAccessLines);
        Assert.Equal(configured is null ? Base.AddSeconds(30).ToOffset(offset).DateTime : Base.AddSeconds(30).UtcDateTime, incident.Start.UtcDateTime);
    }

    /// <summary>A shipper's prefix before lines whose first field is epoch seconds: the prefix is the one the input's
    /// lines share, not every layer a line starts with (which would take the epoch seconds too).</summary>
    [Theory]
    [InlineData("syslog-iso")]
    [InlineData("docker-t")]
    public void Analyze_PrefixedLinesStartingWithEpochSeconds_FindsTheOffset(string prefix)
    {
        var offset = new TimeSpan(5, 30, 0);
        var (format, access) = AccessLog("msec");
        var errors = Enumerable.Range(0, 12).Select(i =>
            $"{Base.AddSeconds(30 + i).ToOffset(offset):yyyy/MM/dd HH:mm:ss} [error] 7#7: *{100 + i} upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.9.8.{i}, server: api.test, request: \"GET /slow/{i} HTTP/1.1\", upstream: \"http://10.0.0.1:8080/slow/{i}\", host: \"api.test\"").ToList();
        string Prefixed(string line, int second, string tag) => prefix == "docker-t"
            ? $"{Base.AddSeconds(second):yyyy-MM-dd'T'HH:mm:ss}.123456789Z {line}"
            : $"{Base.AddSeconds(second).ToOffset(offset):yyyy-MM-dd'T'HH:mm:sszzz} web01 {tag}: {line}";
        Assert.True(AccessLogFormat.TryCompile(format, out var compiled, out _));

        var report = LogAnalyzer.Analyze(
            [EngineTestKit.Input("access", [.. access.Select((l, i) => Prefixed(l, i, "nginx_access"))])],
            [EngineTestKit.Input("error", [.. errors.Select((l, i) => Prefixed(l, 30 + i, "nginx"))])],
            compiled, new DiagnosisOptions(), CancellationToken.None);

        Assert.Equal("+05:30", report.Stats.ErrorLogUtcOffset);
        Assert.StartsWith("inferred", report.Stats.ErrorLogOffsetSource, StringComparison.Ordinal);
        Assert.Equal(12, Assert.Single(report.Incidents).Evidence.Single(e => e.Source == "error").Count);
    }

    /// <summary>
    /// A log across the end of summer time (Europe/Berlin, 2026-10-25 03:00 CEST → 02:00 CET): the access log's
    /// offset changes, and the error log's local times after the change are read in the new offset, so its lines still
    /// meet their requests (before, the first offset the access log told was kept for good: an hour off all winter).
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Analyze_AcrossADaylightSavingChange_ErrorLinesFollowTheAccessLogsOffset(bool errorLinesBeforeTheChange)
    {
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var start = new DateTimeOffset(2026, 10, 24, 23, 0, 0, TimeSpan.Zero);
        var failed = new DateTimeOffset(2026, 10, 25, 3, 30, 0, TimeSpan.Zero);
        string Local(DateTimeOffset utc, string format) => TimeZoneInfo.ConvertTime(utc, berlin).ToString(format, CultureInfo.InvariantCulture);
        var access = new List<(DateTimeOffset Time, string Line)>();
        var errors = new List<string>();
        for (var t = start; t < start.AddHours(6); t = t.AddSeconds(20))
        {
            access.Add((t, $"10.9.8.1 - - [{Local(t, "dd/MMM/yyyy:HH:mm:ss zzz").Remove(24, 1)}] \"GET /ok HTTP/1.1\" 200 512 \"-\" \"curl/8\""));
        }

        if (errorLinesBeforeTheChange)
        {
            // A warning in summer time: the error log is read from its first line with the offset then.
            errors.Add($"{Local(start.AddMinutes(5), "yyyy/MM/dd HH:mm:ss")} [warn] 7#7: *1 an upstream response is buffered to a temporary file /var/cache/nginx/1 while reading upstream, client: 10.9.8.1, server: api.test, request: \"GET /ok HTTP/1.1\", upstream: \"http://10.0.0.1:8080/ok\", host: \"api.test\"");
        }

        for (var i = 0; i < 12; i++)
        {
            var t = failed.AddSeconds(i);
            access.Add((t.AddSeconds(60), $"10.9.7.{i} - - [{Local(t.AddSeconds(60), "dd/MMM/yyyy:HH:mm:ss zzz").Remove(24, 1)}] \"GET /slow/{i} HTTP/1.1\" 504 167 \"-\" \"curl/8\""));
            errors.Add($"{Local(t.AddSeconds(60), "yyyy/MM/dd HH:mm:ss")} [error] 7#7: *{100 + i} upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.9.7.{i}, server: api.test, request: \"GET /slow/{i} HTTP/1.1\", upstream: \"http://10.0.0.1:8080/slow/{i}\", host: \"api.test\"");
        }

        var report = LogAnalyzer.Analyze(
            [EngineTestKit.Input("access", [.. access.OrderBy(a => a.Time).Select(a => a.Line)])], [EngineTestKit.Input("error", errors)], null,
            new DiagnosisOptions(), CancellationToken.None);

        var incident = Assert.Single(report.Incidents);
        Assert.Equal((IncidentCause.Timeout, 504, 12), (incident.Cause, incident.Status, incident.FailedRequests));
        Assert.Equal(12, incident.Evidence.Single(e => e.Source == "error").Count);
        Assert.Equal(("+01:00", "access log"), (report.Stats.ErrorLogUtcOffset, report.Stats.ErrorLogOffsetSource));
    }

    /// <summary>
    /// A burst across the start of summer time (Europe/Berlin, 2026-03-29 02:00 CET → 03:00 CEST): the error lines after
    /// the change were held under the winter offset, an hour late, while the access log went on past their requests;
    /// the access side now stops at the line that changes the offset, so they are timed again before either goes on.
    /// </summary>
    [Fact]
    public void Analyze_BurstAcrossSpringForward_JoinsTheErrorLinesOnBothSides()
    {
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        string Local(DateTimeOffset utc, string format) => TimeZoneInfo.ConvertTime(utc, berlin).ToString(format, CultureInfo.InvariantCulture);
        var start = new DateTimeOffset(2026, 3, 28, 23, 30, 0, TimeSpan.Zero);
        var burst = new DateTimeOffset(2026, 3, 29, 0, 59, 40, TimeSpan.Zero);
        var access = new List<(DateTimeOffset Time, string Line)>();
        var errors = new List<string>();
        for (var t = start; t < start.AddHours(2); t = t.AddSeconds(5))
        {
            access.Add((t, $"10.9.8.1 - - [{Local(t, "dd/MMM/yyyy:HH:mm:ss zzz").Remove(24, 1)}] \"GET /cart/view HTTP/1.1\" 200 512 \"-\" \"curl/8\""));
        }

        for (var i = 0; i < 18; i++)
        {
            var t = burst.AddSeconds(i * 2.5);
            access.Add((t, $"10.9.7.{i} - - [{Local(t, "dd/MMM/yyyy:HH:mm:ss zzz").Remove(24, 1)}] \"GET /cart/{i} HTTP/1.1\" 502 157 \"-\" \"curl/8\""));
            errors.Add($"{Local(t, "yyyy/MM/dd HH:mm:ss")} [error] 7#7: *{100 + i} connect() failed (111: Connection refused) while connecting to upstream, client: 10.9.7.{i}, server: shop.test, request: \"GET /cart/{i} HTTP/1.1\", upstream: \"http://10.0.0.6:8080/cart/{i}\", host: \"shop.test\"");
        }

        var report = LogAnalyzer.Analyze(
            [EngineTestKit.Input("access", [.. access.OrderBy(a => a.Time).Select(a => a.Line)])], [EngineTestKit.Input("error", errors)], null,
            new DiagnosisOptions(), CancellationToken.None);

        var incident = Assert.Single(report.Incidents);
        Assert.Equal((IncidentCause.UpstreamDown, 18), (incident.Cause, incident.FailedRequests));
        Assert.Equal(18, incident.Evidence.Single(e => e.Source == "error").Count);
        Assert.Equal("+02:00", report.Stats.ErrorLogUtcOffset);
    }

    /// <summary>
    /// An error log alone, relayed by a syslog daemon that prints a zone (RFC 5424, ISO). A daemon reading nginx's
    /// file stamps the instant it read each line, in its own zone: the quarter hours between that and nginx's local
    /// time are nginx's offset. nginx sending to syslog itself gives its local time without a zone, which the daemon
    /// labels with its own: the wall clocks agree and say nothing, so the times stay as read (UTC).
    /// </summary>
    [Theory]
    [InlineData("rfc5424", "file read by the daemon", "+05:30")]
    [InlineData("iso", "file read by the daemon", "+05:30")]
    [InlineData("rfc5424", "sent by nginx", "+00:00")]
    [InlineData("iso", "sent by nginx", "+00:00")]
    public void Analyze_ErrorLogAloneBehindASyslogDaemon_LearnsTheOffsetOnlyFromAReceivedTime(string shape, string route, string expected)
    {
        var kolkata = TimeSpan.FromHours(5.5);
        var errors = Enumerable.Range(0, 6).Select(i =>
        {
            var instant = Base.AddSeconds(30 + i);
            var local = instant.ToOffset(kolkata);
            var stamp = route == "sent by nginx" ? new DateTimeOffset(local.DateTime, TimeSpan.Zero) : instant.AddMilliseconds(3);
            var line = $"{local:yyyy/MM/dd HH:mm:ss} [error] 7#7: *{100 + i} connect() failed (111: Connection refused) while connecting to upstream, client: 10.9.8.{i}, server: api.test, request: \"GET /{i} HTTP/1.1\", upstream: \"http://10.0.0.1:8080/{i}\", host: \"api.test\"";
            return shape == "rfc5424"
                ? $"<187>1 {stamp:yyyy-MM-ddTHH:mm:ss.ffffffzzz} web-01 nginx 1017 - - {line}"
                : $"{stamp:yyyy-MM-ddTHH:mm:ss.ffffffzzz} web-01 nginx: {line}";
        });

        var report = LogAnalyzer.Analyze([], [EngineTestKit.Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        var learned = route != "sent by nginx";
        Assert.Equal((expected, learned), (report.Stats.ErrorLogUtcOffset, report.Stats.ErrorLogOffsetSource == "the times its lines were stamped with"));
        Assert.Equal(learned ? Base.AddSeconds(30) : Base.AddSeconds(30).Add(kolkata), Assert.Single(report.Incidents).Start);
    }

    /// <summary>
    /// A paste of <c>kubectl logs --timestamps</c> whose first and last lines lost the stamp (copied from the middle of
    /// a line, or from another terminal): every line of the same second is read at the same instant, the zone the stamped
    /// lines tell (+02:00), not UTC for the lines before the first stamp.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Analyze_PasteWhoseFirstLinesLostTheirStamp_ReadsThemInTheStampedZone(int unstamped)
    {
        var paris = TimeSpan.FromHours(2);
        var errors = Enumerable.Range(0, 6).Select(i =>
        {
            var local = Base.AddSeconds(30).ToOffset(paris);
            var line = $"{local:yyyy/MM/dd HH:mm:ss} [error] 43#43: *{100 + i} upstream timed out (110: Operation timed out) while reading response header from upstream, client: 10.42.0.{i}, server: , request: \"POST /api/import HTTP/1.1\", upstream: \"http://10.0.0.1:10001/import\", host: \"photos.test\"";
            return i < unstamped || i == 5 ? line : $"{local:yyyy-MM-ddTHH:mm:ss}.{i:D3}262313247+02:00 {line}";
        });

        var report = LogAnalyzer.Analyze([], [EngineTestKit.Input("error", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        var incident = Assert.Single(report.Incidents);
        Assert.Equal(("+02:00", Base.AddSeconds(30), Base.AddSeconds(30), 6), (report.Stats.ErrorLogUtcOffset, incident.Start, incident.End, incident.FailedRequests));
    }

    [Fact]
    public void Analyze_ConfiguredOffset_IsUsedAsIs()
    {
        var (format, access) = AccessLog("msec");
        var errors = Enumerable.Range(0, 12).Select(i =>
            $"{Base.AddSeconds(30 + i).ToOffset(TimeSpan.FromHours(2)):yyyy/MM/dd HH:mm:ss} [error] 7#7: *{100 + i} upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.9.8.{i}, server: api.test, request: \"GET /slow/{i} HTTP/1.1\", upstream: \"http://10.0.0.1:8080/slow/{i}\", host: \"api.test\"");
        Assert.True(AccessLogFormat.TryCompile(format, out var compiled, out _));

        var report = LogAnalyzer.Analyze(
            [EngineTestKit.Input("access", access)], [EngineTestKit.Input("error", errors)], compiled,
            new DiagnosisOptions { ErrorLogUtcOffset = TimeSpan.FromHours(2) }, CancellationToken.None);

        Assert.Equal(("+02:00", "configured"), (report.Stats.ErrorLogUtcOffset, report.Stats.ErrorLogOffsetSource));
        Assert.Equal(12, Assert.Single(report.Incidents).Evidence.Single(e => e.Source == "error").Count);
    }

    [Fact]
    public void Infer_NothingAligns_ReturnsNull()
    {
        var (format, access) = AccessLog("msec");
        var errors = new[] { "2026/11/24 03:00:00 [error] 7#7: *1 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 1.2.3.4, server: other.test, request: \"GET /nope HTTP/1.1\", upstream: \"http://10.0.0.9:80/nope\", host: \"other.test\"" };
        Assert.True(AccessLogFormat.TryCompile(format, out var compiled, out _));

        Assert.Null(ErrorLogOffsetInference.Infer([EngineTestKit.Input("e", errors)], [EngineTestKit.Input("a", access)], compiled, CancellationToken.None));
    }

    [Fact]
    public void Infer_SyslogPrefixedLinesOfAFormatStartingWithAVariable_StripsThePrefixAndFindsTheOffset()
    {
        // A corpus case (scripts/corpus --seed 11, s11-010): nginx 1.22 in America/Los_Angeles logging AWS Elastic
        // Beanstalk's healthd format ('$msec"$uri"$status"...') and its error log through syslog-ng (RFC 5424).
        // "$msec" would take the syslog header into its value, and the line would still show a status.
        string[] access =
        [
            "<190>1 2026-11-30T01:25:55-08:00 vm nginx_access - - - 1796030755.631\"/graphql/6214\"502\"0.000\"0.000\"203.0.113.109",
            "<190>1 2026-11-30T01:25:58-08:00 vm nginx_access - - - 1796030758.748\"/users/26778\"502\"0.000\"0.000\"192.0.2.35",
            "<190>1 2026-11-30T01:25:58-08:00 vm nginx_access - - - 1796030758.795\"/users/3308/detail\"502\"0.000\"0.000\"203.0.113.94",
            "<190>1 2026-11-30T01:25:59-08:00 vm nginx_access - - - 1796030759.429\"/users/\"502\"0.000\"0.000\"198.51.100.13",
            "<190>1 2026-11-30T01:26:03-08:00 vm nginx_access - - - 1796030763.883\"/users/86017\"502\"0.000\"0.000\"192.0.2.87",
            "<190>1 2026-11-30T01:26:04-08:00 vm nginx_access - - - 1796030764.748\"/users/v2/list\"502\"0.000\"0.000\"203.0.113.10",
            "<190>1 2026-11-30T01:26:05-08:00 vm nginx_access - - - 1796030765.630\"/users/v2/list\"502\"0.000\"0.000\"198.51.100.41",
            "<190>1 2026-11-30T01:26:08-08:00 vm nginx_access - - - 1796030768.195\"/users/items/129\"502\"0.000\"0.000\"192.0.2.78",
            "<190>1 2026-11-30T01:26:09-08:00 vm nginx_access - - - 1796030769.095\"/users/items/20\"502\"0.000\"0.000\"198.51.100.91",
            "<190>1 2026-11-30T01:26:09-08:00 vm nginx_access - - - 1796030769.098\"/users/76601\"502\"0.000\"0.000\"203.0.113.29",
            "<190>1 2026-11-30T01:26:09-08:00 vm nginx_access - - - 1796030769.648\"/users/v2/list\"502\"0.000\"0.000\"198.51.100.63",
            "<190>1 2026-11-30T01:26:10-08:00 vm nginx_access - - - 1796030770.373\"/users/items/39\"502\"0.000\"0.000\"192.0.2.47",
        ];
        string[] errors =
        [
            "<187>1 2026-11-30T01:25:55-08:00 vm nginx - - - 2026/11/30 01:25:55 [error] 10529#10529: *86 connect() failed (111: Connection refused) while connecting to upstream, client: 203.0.113.109, server: status.example.com, request: \"GET /graphql/6214 HTTP/1.1\", upstream: \"http://127.0.0.1:44321/graphql/6214\", host: \"status.example.com\"",
            "<187>1 2026-11-30T01:25:58-08:00 vm nginx - - - 2026/11/30 01:25:58 [error] 10529#10529: *86 connect() to unix:/tmp/nginx-lab-FsxwDC/gunicorn-f2/app.sock failed (111: Connection refused) while connecting to upstream, client: 192.0.2.35, server: billing.example.net, request: \"GET /users/26778 HTTP/1.1\", upstream: \"http://unix:/tmp/nginx-lab-FsxwDC/gunicorn-f2/app.sock:/users/26778\", host: \"billing.example.net\"",
            "<187>1 2026-11-30T01:25:58-08:00 vm nginx - - - 2026/11/30 01:25:58 [error] 10529#10529: *3 connect() to unix:/tmp/nginx-lab-FsxwDC/gunicorn-f2/app.sock failed (111: Connection refused) while connecting to upstream, client: 203.0.113.94, server: billing.example.net, request: \"GET /users/3308/detail?ref=home HTTP/1.1\", upstream: \"http://unix:/tmp/nginx-lab-FsxwDC/gunicorn-f2/app.sock:/users/3308/detail?ref=home\", host: \"billing.example.net\"",
            "<187>1 2026-11-30T01:25:59-08:00 vm nginx - - - 2026/11/30 01:25:59 [error] 10529#10529: *3 connect() to unix:/tmp/nginx-lab-FsxwDC/gunicorn-f2/app.sock failed (111: Connection refused) while connecting to upstream, client: 198.51.100.13, server: billing.example.net, request: \"GET /users/ HTTP/1.1\", upstream: \"http://unix:/tmp/nginx-lab-FsxwDC/gunicorn-f2/app.sock:/users/\", host: \"billing.example.net\"",
            "<187>1 2026-11-30T01:26:03-08:00 vm nginx - - - 2026/11/30 01:26:03 [error] 10529#10529: *86 connect() to unix:/tmp/nginx-lab-FsxwDC/gunicorn-f2/app.sock failed (111: Connection refused) while connecting to upstream, client: 192.0.2.87, server: billing.example.net, request: \"GET /users/86017 HTTP/1.1\", upstream: \"http://unix:/tmp/nginx-lab-FsxwDC/gunicorn-f2/app.sock:/users/86017\", host: \"billing.example.net\"",
            "<187>1 2026-11-30T01:26:04-08:00 vm nginx - - - 2026/11/30 01:26:04 [error] 10529#10529: *86 connect() to unix:/tmp/nginx-lab-FsxwDC/gunicorn-f2/app.sock failed (111: Connection refused) while connecting to upstream, client: 203.0.113.10, server: billing.example.net, request: \"GET /users/v2/list?page=18&sort=desc HTTP/1.1\", upstream: \"http://unix:/tmp/nginx-lab-FsxwDC/gunicorn-f2/app.sock:/users/v2/list?page=18&sort=desc\", host: \"billing.example.net\"",
            "<187>1 2026-11-30T01:26:05-08:00 vm nginx - - - 2026/11/30 01:26:05 [error] 10529#10529: *3 connect() to unix:/tmp/nginx-lab-FsxwDC/gunicorn-f2/app.sock failed (111: Connection refused) while connecting to upstream, client: 198.51.100.41, server: billing.example.net, request: \"GET /users/v2/list?page=17&sort=desc HTTP/1.1\", upstream: \"http://unix:/tmp/nginx-lab-FsxwDC/gunicorn-f2/app.sock:/users/v2/list?page=17&sort=desc\", host: \"billing.example.net\"",
            "<187>1 2026-11-30T01:26:08-08:00 vm nginx - - - 2026/11/30 01:26:08 [error] 10529#10529: *86 connect() to unix:/tmp/nginx-lab-FsxwDC/gunicorn-f2/app.sock failed (111: Connection refused) while connecting to upstream, client: 192.0.2.78, server: billing.example.net, request: \"GET /users/items/129 HTTP/1.1\", upstream: \"http://unix:/tmp/nginx-lab-FsxwDC/gunicorn-f2/app.sock:/users/items/129\", host: \"billing.example.net\"",
            "<187>1 2026-11-30T01:26:09-08:00 vm nginx - - - 2026/11/30 01:26:09 [error] 10529#10529: *86 connect() to unix:/tmp/nginx-lab-FsxwDC/gunicorn-f2/app.sock failed (111: Connection refused) while connecting to upstream, client: 198.51.100.91, server: billing.example.net, request: \"GET /users/items/20 HTTP/1.1\", upstream: \"http://unix:/tmp/nginx-lab-FsxwDC/gunicorn-f2/app.sock:/users/items/20\", host: \"billing.example.net\"",
            "<187>1 2026-11-30T01:26:09-08:00 vm nginx - - - 2026/11/30 01:26:09 [error] 10529#10529: *3 connect() to unix:/tmp/nginx-lab-FsxwDC/gunicorn-f2/app.sock failed (111: Connection refused) while connecting to upstream, client: 203.0.113.29, server: billing.example.net, request: \"GET /users/76601 HTTP/1.1\", upstream: \"http://unix:/tmp/nginx-lab-FsxwDC/gunicorn-f2/app.sock:/users/76601\", host: \"billing.example.net\"",
            "<187>1 2026-11-30T01:26:09-08:00 vm nginx - - - 2026/11/30 01:26:09 [error] 10529#10529: *3 connect() to unix:/tmp/nginx-lab-FsxwDC/gunicorn-f2/app.sock failed (111: Connection refused) while connecting to upstream, client: 198.51.100.63, server: billing.example.net, request: \"GET /users/v2/list?page=4&sort=desc HTTP/1.1\", upstream: \"http://unix:/tmp/nginx-lab-FsxwDC/gunicorn-f2/app.sock:/users/v2/list?page=4&sort=desc\", host: \"billing.example.net\"",
        ];
        Assert.True(AccessLogFormat.TryCompile("""log_format healthd '$msec"$uri"' '$status"$request_time"$upstream_response_time"' '$http_x_forwarded_for';""", out var format, out var error), error);

        var estimate = ErrorLogOffsetInference.Infer([EngineTestKit.Input("e", errors)], [EngineTestKit.Input("a", access)], format, CancellationToken.None);

        Assert.NotNull(estimate);
        Assert.Equal(TimeSpan.FromHours(-8), estimate.Offset);
    }

    /// <summary>Two minutes of traffic with 12 timeouts; times as epoch seconds or ISO 8601 in UTC.</summary>
    private static (string Format, List<string> Lines) AccessLog(string timeStyle)
    {
        var time = timeStyle == "msec" ? "$msec" : "$time_iso8601";
        var format = $"{time} $remote_addr $host \"$request\" $status ua=$upstream_addr rt=$request_time";
        var lines = new List<string>();
        for (var second = 0; second < 120; second++)
        {
            var t = Base.AddSeconds(second);
            var stamp = timeStyle switch
            {
                "msec" => (t.ToUnixTimeMilliseconds() / 1000.0).ToString("0.000", CultureInfo.InvariantCulture),
                "iso-z" => t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                _ => t.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            };
            var failing = second is >= 30 and < 42;
            lines.Add(failing
                ? $"{stamp} 10.9.8.{second - 30} api.test \"GET /slow/{second - 30} HTTP/1.1\" 504 ua=10.0.0.1:8080 rt=60.001"
                : $"{stamp} 10.1.1.{second % 200} api.test \"GET /ok HTTP/1.1\" 200 ua=10.0.0.1:8080 rt=0.010");
        }

        return (format, lines);
    }
}
