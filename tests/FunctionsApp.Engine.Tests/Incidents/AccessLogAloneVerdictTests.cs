using System.Globalization;
using FunctionsApp.Incidents;

namespace FunctionsApp.Engine.Tests.Incidents;

/// <summary>
/// Verdicts from the access log alone, in ingress-nginx's default format (no error log: the controller's error lines
/// went elsewhere). <c>$upstream_status</c> holds the status nginx made for a try as well as one it was sent, so it
/// cannot say who made a 502; <c>$upstream_response_length</c> (or <c>$upstream_bytes_received</c>) can: nginx got
/// nothing back from an upstream it could not reach or that hung up.
/// </summary>
public sealed class AccessLogAloneVerdictTests
{
    public static TheoryData<string, int, string, string, IncidentCause> Cases() => new()
    {
        { "refused after serving: nothing received, at once", 502, "0", "instant", IncidentCause.UpstreamDown },
        { "the upstream sent its own 502 page", 502, "157", "instant", IncidentCause.UpstreamReturned },
        { "504s with nothing received", 504, "0", "60s", IncidentCause.Timeout },
        { "gunicorn --timeout 3: the arbiter kills the worker a little after the limit", 502, "0", "about 3s", IncidentCause.Timeout },
        { "nothing received after a while, no common time", 502, "0", "spread", IncidentCause.InvalidResponse },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Analyze_WhatNginxGotBack_DecidesWhoMadeTheStatus(string scenario, int status, string length, string times, IncidentCause expected)
    {
        Func<int, double> seconds = times switch
        {
            "instant" => _ => 0.0,
            "60s" => _ => 60.001,
            "about 3s" => i => 3.0 + (i % 5 * 0.1),
            _ => i => 0.05 + (i * 0.037),
        };

        var incident = Single(Failures(status, length, i => seconds(i).ToString("0.000", CultureInfo.InvariantCulture)));

        Assert.True(expected == incident.Cause, $"{scenario}: {incident.Cause}");
    }

    [Theory]
    // nginx sets $upstream_status 502 for a try it failed itself too; a refused connect takes no time ...
    [InlineData("0.000", "0.000", IncidentCause.UpstreamDown)]
    // (whole milliseconds: a refused connect across a Docker bridge reads 0.001 as often, on a loaded host a few)
    [InlineData("0.001", "0.000", IncidentCause.UpstreamDown)]
    [InlineData("0.000", "0.003", IncidentCause.UpstreamDown)]
    // ... an upstream answering 502 has read the request first.
    [InlineData("0.004", "0.012", IncidentCause.UpstreamReturned)]
    [InlineData("0.006", "0.009", IncidentCause.UpstreamReturned)]
    public void Analyze_OnlyUpstreamStatusAndNoErrorLog_TellsByTheResponseTimeWithLowConfidence(string even, string odd, IncidentCause expected)
    {
        // $upstream_status and $upstream_response_time alone, no error log: nothing here proves either reading.
        var lines = Failures(502, "0", i => i % 2 == 0 ? even : odd)
            .Select(l => l.Replace(" 0 " + even + " ", " - " + even + " ", StringComparison.Ordinal)
                .Replace(" 0 " + odd + " ", " - " + odd + " ", StringComparison.Ordinal)
                .Replace(" 512 0.010 ", " - 0.010 ", StringComparison.Ordinal));

        var incident = Single(lines);

        Assert.Equal(expected, incident.Cause);
        Assert.InRange(incident.Confidence, 0, 0.5);
    }

    /// <summary>
    /// Instant 502s of one route while the same upstream answers others in those seconds: a server that accepts
    /// connections was not refusing them, so they were answers (its own 502s, or headers nginx refused: too big for
    /// <c>proxy_buffer_size</c>). Captured: gunicorn sending a 12 KB header on one route behind 4k buffers.
    /// </summary>
    [Fact]
    public void Analyze_Instant502sOfOneRouteWhileTheUpstreamServesOthers_AreNotARefusingServer()
    {
        const string Format = "time=\"$time_local\" client=$remote_addr method=$request_method uri=\"$uri\" status=$status host=$host upstream=$upstream_addr upstream_status=$upstream_status urt=$upstream_response_time rt=$request_time";
        var start = new DateTimeOffset(2026, 12, 3, 21, 16, 0, TimeSpan.FromHours(13.75));
        string Line(int second, string uri, int status) =>
            $"time=\"{start.AddSeconds(second).ToString("dd/MMM/yyyy:HH:mm:ss", CultureInfo.InvariantCulture)} +1345\" client=127.0.0.1 method=GET uri=\"{uri}\" status={status} host=127.0.0.1 upstream=127.0.0.1:21101 upstream_status={status} urt=0.00{1 + (second % 4)} rt=0.00{1 + (second % 4)}";
        var lines = new List<string>();
        for (var second = 0; second < 40; second++)
        {
            lines.AddRange(Enumerable.Range(0, 3).Select(i => Line(second, $"/article/{second * 3 + i}", 200)));
            if (second >= 10 && second < 30 && second % 2 == 0)
            {
                lines.Add(Line(second, $"/big/preview/{second}", 502));
                lines.Add(Line(second, $"/big/preview/{second}0", 502));
            }
        }

        var incident = Assert.Single(EngineTestKit.Analyze(lines, format: Format).Incidents);

        Assert.Equal(IncidentCause.UpstreamReturned, incident.Cause);
        Assert.Contains("served others in the same seconds", incident.Summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")] // an empty body: $upstream_response_length 0
    [InlineData("-")] // a format without $upstream_response_length
    public void Analyze_UpstreamStatus503WithinTheMillisecond_IsTheUpstreamsOwnAnswer(string length)
    {
        // A maintenance page answered at once. nginx records 502 or 504 in $upstream_status for a try it fails
        // itself, never 503: however fast, the upstream sent it.
        var lines = Failures(503, length, _ => "0.000")
            .Select(l => l.Replace(" 512 0.010 ", " " + (length == "-" ? "-" : "512") + " 0.010 ", StringComparison.Ordinal));

        var incident = Single(lines);

        Assert.Equal((IncidentCause.UpstreamReturned, 503), (incident.Cause, incident.Status));
    }

    [Theory]
    [InlineData(157, "0.000", IncidentCause.UpstreamDown)] // nginx/1.22.1's own 502 page, at once: a refused connect
    [InlineData(150, "0.012", IncidentCause.InvalidResponse)] // the same with server_tokens off, after a while: a broken answer
    [InlineData(559, "0.000", IncidentCause.UpstreamDown)] // the same page to Chrome or Edge: msie_padding adds 402 bytes
    [InlineData(552, "0.012", IncidentCause.InvalidResponse)] // padded, with server_tokens off
    [InlineData(173, "0.000", IncidentCause.UpstreamDown)] // nginx/1.14.0's page: before 1.15.4 it said <body bgcolor="white">
    [InlineData(575, "0.012", IncidentCause.InvalidResponse)] // the same to Chrome, padded
    [InlineData(58, "0.012", IncidentCause.UpstreamReturned)] // an application's own 502 (a small JSON body)
    [InlineData(561, "0.012", IncidentCause.UpstreamReturned)] // an application's page a byte longer than any nginx padded one
    public void Analyze_OnlyUpstreamStatus_NginxsOwnErrorPageSaysNginxMadeThe502(int bodyBytes, string seconds, IncidentCause expected)
    {
        // $upstream_status 502 alone cannot say who made the 502; the body can: nginx's page has a size of its own.
        var lines = Enumerable.Range(0, 60).Select(i => Line(i * 2, 200, "512", "0.010"))
            .Concat(Enumerable.Range(0, 20).Select(i => Line(120 + i, 502, "-", seconds, bodyBytes)))
            .Select(l => l.Replace(" 512 0.010 ", " - 0.010 ", StringComparison.Ordinal));

        var incident = Single(lines);

        Assert.Equal(expected, incident.Cause);
        Assert.InRange(incident.Confidence, 0, 0.5);
    }

    public static TheoryData<string, int, string, string, IncidentCause> UnaddressedCases() => new()
    {
        // Elastic Beanstalk's healthd: $msec"$uri"$status"$request_time"$upstream_response_time"$http_x_forwarded_for.
        { "healthd", 504, "60.002", "", IncidentCause.Timeout },
        { "healthd", 502, "0.000", "", IncidentCause.UpstreamDown },

        // The NGINX blog's upstream_time: connect, header and response times, neither address nor status.
        { "upstream_time", 504, "30.003", "uct=\"0.001\" uht=\"-\"", IncidentCause.Timeout },
        { "upstream_time", 502, "0.000", "uct=\"-\" uht=\"-\"", IncidentCause.UpstreamDown },
        { "upstream_time", 502, "0.004", "uct=\"0.001\" uht=\"0.003\"", IncidentCause.UpstreamReturned },
    };

    /// <summary>
    /// Formats that log the upstream's times but neither <c>$upstream_addr</c> nor <c>$upstream_status</c>: for a request
    /// tried once, the status the client got is that try's, and the times say who made it.
    /// </summary>
    [Theory]
    [MemberData(nameof(UnaddressedCases))]
    public void Analyze_UpstreamTimesWithoutAddressOrStatus_DecideTheCause(string format, int status, string seconds, string timings, IncidentCause expected)
    {
        var start = new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
        string Healthd(int second, int code, string urt) =>
            $"{start.AddSeconds(second).ToUnixTimeMilliseconds() / 1000.0:0.000}\"/api/items\"{code}\"{urt}\"{urt}\"203.0.113.9";
        string UpstreamTime(int second, int code, string urt, string times) =>
            $"10.9.8.7 - - [{start.AddSeconds(second):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /api/items HTTP/1.1\" {code} 150 \"-\" \"curl/8.5.0\" rt={urt} {times} urt=\"{urt}\"";
        var (template, line) = format == "healthd"
            ? ("$msec\"$uri\"$status\"$request_time\"$upstream_response_time\"$http_x_forwarded_for", (Func<int, int, string, string>)((t, c, u) => Healthd(t, c, u)))
            : ("$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\" rt=$request_time uct=\"$upstream_connect_time\" uht=\"$upstream_header_time\" urt=\"$upstream_response_time\"",
                (t, c, u) => UpstreamTime(t, c, u, c == 200 ? "uct=\"0.001\" uht=\"0.009\"" : timings));
        var access = Enumerable.Range(0, 60).Select(i => line(i * 2, 200, "0.010")).Concat(Enumerable.Range(0, 20).Select(i => line(120 + i, status, seconds)));

        var report = EngineTestKit.Analyze(access, errors: null, format: template);

        Assert.Equal(0, report.Stats.MalformedLines);
        var incident = Assert.Single(report.Incidents);
        Assert.True(expected == incident.Cause, $"{format} {status} {seconds}: {incident.Cause} ({incident.Summary})");
    }

    [Fact]
    public void Analyze_504sWithNoUpstreamFieldsAndNoErrorLog_AreNginxsTimerAtLowConfidence()
    {
        var start = new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
        var access = Enumerable.Range(0, 80).Select(i =>
            $"10.9.8.{i} - - [{start.AddSeconds(i * 2):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /api/items HTTP/1.1\" {(i >= 60 ? 504 : 200)} 167 \"-\" \"curl/8.5.0\"");

        var incident = Assert.Single(EngineTestKit.Analyze(access, errors: null, format: "combined").Incidents);

        Assert.Equal((IncidentCause.Timeout, 504), (incident.Cause, incident.Status));
        Assert.InRange(incident.Confidence, 0, 0.5);
    }

    [Theory]
    [InlineData("an empty error log: nginx wrote no error of its own", IncidentCause.UpstreamReturned)]
    [InlineData("another program's file given as the error log", IncidentCause.Unknown)]
    public void Analyze_ErrorLogSilence_SpeaksOnlyWhenTheFileIsNginxs(string errorLog, IncidentCause expected)
    {
        // nginx writes an error line for each 502 it makes; silence says the upstream made them, but only from nginx's
        // error log. A file of another program's lines says nothing about who made them.
        var start = new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
        var access = Enumerable.Range(0, 80).Select(i =>
            $"10.9.8.{i} - - [{start.AddSeconds(i * 2):dd/MMM/yyyy:HH:mm:ss} +0000] \"POST /api/items HTTP/1.1\" {(i >= 60 ? 502 : 200)} 312 \"-\" \"curl/8.5.0\"");
        string[] errors = errorLog.StartsWith("an empty", StringComparison.Ordinal) ? [] : ["Starting API server on 0.0.0.0:8000", "Traceback (most recent call last):"];

        var report = EngineTestKit.Analyze(access, errors, format: "combined");

        Assert.Equal(expected, Assert.Single(report.Incidents).Cause);
    }

    [Theory]
    [InlineData(157, false, IncidentCause.UpstreamDown)] // nginx's own page and no error log: nginx made the 502
    [InlineData(575, false, IncidentCause.UpstreamDown)] // nginx/1.14's page, padded for Chrome
    [InlineData(182, false, IncidentCause.UpstreamDown)] // Ubuntu 18.04's nginx/1.14.0 (Ubuntu): the distribution in the tail
    [InlineData(584, false, IncidentCause.UpstreamDown)] // the same, padded for Chrome
    [InlineData(560, false, IncidentCause.UpstreamDown)] // nginx/1.15.10: a two-digit patch version, padded for Chrome
    [InlineData(157, true, IncidentCause.UpstreamReturned)] // the same page, nginx's error log silent: an upstream nginx made it
    [InlineData(312, false, IncidentCause.Unknown)] // another page: anyone's
    public void Analyze_CombinedWithoutUpstreamFields_NginxsOwnPageSaysNginxMadeThe502(int bodyBytes, bool errorLog, IncidentCause expected)
    {
        // `combined` logs no upstream field: the body's size is what is left to tell nginx's own 502 page.
        var start = new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
        var access = Enumerable.Range(0, 80).Select(i =>
            $"10.9.8.{i} - - [{start.AddSeconds(i * 2):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /api/items HTTP/1.1\" {(i >= 60 ? 502 : 200)} {(i >= 60 ? bodyBytes : 2048)} \"-\" \"Mozilla/5.0 Chrome/69.0\"");
        string[]? errors = errorLog ? ["2026/11/24 09:59:00 [notice] 1#1: start worker processes", "2026/11/24 10:05:00 [notice] 1#1: signal 1 (SIGHUP) received from 4242, reconfiguring"] : null;

        var incident = Assert.Single(EngineTestKit.Analyze(access, errors, format: "combined").Incidents);

        Assert.Equal(expected, incident.Cause);
        Assert.InRange(incident.Confidence, 0, 0.6);
        if (expected == IncidentCause.UpstreamDown)
        {
            // A likeliest reading, said as one: no line shows a refusal.
            Assert.Contains("no error log was read to say why", incident.Summary, StringComparison.Ordinal);
            Assert.DoesNotContain("refused", incident.Summary, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// A paste of nginx's own 502 pages and nothing else (no error log, no time, nothing served there before them): the
    /// page says nginx made the status, for a refusal as for a reset or a broken answer, so the lines name no cause;
    /// the reading keeps the likeliest and says where to look. With the route served before, the same pages are its
    /// outage.
    /// </summary>
    [Theory]
    [InlineData("combined", 0, IncidentCause.Unknown)]
    [InlineData("combined", 20, IncidentCause.UpstreamDown)]
    [InlineData("npm", 0, IncidentCause.Unknown)]
    public void Analyze_NginxsOwnPagesAlone_NameNoCause(string format, int servedBefore, IncidentCause expected)
    {
        var start = new DateTimeOffset(2025, 11, 27, 1, 21, 0, TimeSpan.Zero);
        string Line(int i, int status, int bytes) => format == "combined"
            ? $"167.99.182.39 - - [{start.AddSeconds(i):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET / HTTP/1.1\" {status} {bytes} \"-\" \"Mozilla/5.0\""
            : $"[{start.AddSeconds(i):dd/MMM/yyyy:HH:mm:ss} +0000] - {status} {status} - GET https network.example.test \"/\" [Client 167.99.182.39] [Length {bytes}] [Gzip -] [Sent-to app] \"-\" \"-\"";
        var access = Enumerable.Range(0, servedBefore).Select(i => Line(i, 200, 2048)).Concat(Enumerable.Range(servedBefore, 2).Select(i => Line(i, 502, 157)));

        var incident = Assert.Single(EngineTestKit.Analyze(access, errors: null, format: null).Incidents);

        Assert.Equal((expected, 502), (incident.Cause, incident.Status));
        Assert.InRange(incident.Confidence, 0, 0.3);
        Assert.Contains("most often nothing accepted", incident.Summary, StringComparison.OrdinalIgnoreCase);
        if (expected == IncidentCause.Unknown)
        {
            Assert.Contains("nothing in these lines says why", incident.Summary, StringComparison.Ordinal);
            Assert.StartsWith("Read nginx's error log at these requests' times", incident.Remediation[0], StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// nginx's own 502 page with <c>$request_time</c> beside it: a refused connect fails at once, so 502s that each took
    /// seconds came from connections the upstream had accepted. All at one duration, a time limit ended them (an
    /// application server's); at scattered durations, an answer nginx could not use. Either way no refusal.
    /// </summary>
    [Theory]
    [InlineData("instant", IncidentCause.UpstreamDown)]
    [InlineData("about 14s", IncidentCause.Timeout)]
    [InlineData("spread", IncidentCause.InvalidResponse)]
    public void Analyze_NginxsOwnPageAndRequestTime_ASlow502IsNoRefusal(string times, IncidentCause expected)
    {
        Func<int, double> seconds = times switch
        {
            "instant" => _ => 0.0,
            "about 14s" => i => 14.2 + (i % 7 * 0.12),
            _ => i => 1.5 + (i % 9 * 3.7),
        };
        var start = new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
        var access = Enumerable.Range(0, 80).Select(i =>
            $"10.9.8.{i} - - [{start.AddSeconds(i * 2):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /shop/{i} HTTP/1.0\" {(i >= 60 ? 502 : 200)} {(i >= 60 ? 166 : 2048)} \"-\" \"bingbot/2.0\" "
            + (i >= 60 ? seconds(i) : 0.2).ToString("0.000", CultureInfo.InvariantCulture));

        var incident = Assert.Single(EngineTestKit.Analyze(access, errors: null, format: "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\" $request_time").Incidents);

        Assert.Equal(expected, incident.Cause);
        Assert.InRange(incident.Confidence, 0, 0.4);
        if (expected != IncidentCause.UpstreamDown)
        {
            Assert.DoesNotContain("most often nothing accepted", incident.Summary, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(false, "the upstream behind /api")]
    [InlineData(true, "the upstream with")]
    [InlineData(null, "the upstream with")] // a target its author redacted ("<path>"): HTTP/1.1's slash is no path's
    public void Analyze_NoUpstreamOrHostLogged_NamesTheRouteOnlyWhenEveryFailureWentThere(bool? severalRoutes, string expected)
    {
        var start = new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
        var access = Enumerable.Range(0, 80).Select(i =>
            $"10.9.8.{i} - - [{start.AddSeconds(i * 2):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET {(severalRoutes is null ? "<path>?n=" + i : severalRoutes == true && i % 2 == 0 ? "/account/items" : "/api/items")} HTTP/1.1\" {(i >= 60 ? 502 : 200)} 312 \"-\" \"curl/8.5.0\"");

        var incident = Assert.Single(EngineTestKit.Analyze(access, errors: null, format: "combined").Incidents);

        Assert.Contains(expected, incident.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_FailuresBeforeTheErrorLogBegins_AreNotTheUpstreamsOwnForLackOfAnErrorLine()
    {
        // The error log given starts half an hour after the first burst (rotated, or pasted from later): the first
        // burst closes before the error log's first line is read, and its silence says nothing.
        var start = new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
        var access = new List<string>();
        var errors = new List<string>();
        for (var i = 0; i < 80; i++)
        {
            var status = i is >= 20 and < 30 ? 504 : 200;
            access.Add($"10.9.8.{i} - - [{start.AddSeconds(i * 6):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /api/{i} HTTP/1.1\" {status} 167 \"-\" \"curl/8.5.0\"");
        }

        for (var i = 0; i < 10; i++)
        {
            var time = start.AddMinutes(30).AddSeconds(i);
            access.Add($"10.9.7.{i} - - [{time:dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /pay/{i} HTTP/1.1\" 502 157 \"-\" \"curl/8.5.0\"");
            errors.Add($"{time:yyyy/MM/dd HH:mm:ss} [error] 7#7: *{100 + i} connect() failed (111: Connection refused) while connecting to upstream, client: 10.9.7.{i}, server: shop.test, request: \"GET /pay/{i} HTTP/1.1\", upstream: \"http://10.0.0.5:8080/pay/{i}\", host: \"shop.test\"");
        }

        var incidents = EngineTestKit.Analyze(access, errors, format: "combined").Incidents.OrderBy(i => i.Start).ToList();

        Assert.Equal(2, incidents.Count);
        Assert.Equal((IncidentCause.Timeout, 504), (incidents[0].Cause, incidents[0].Status));
        Assert.Contains(incidents[1].Cause, new[] { IncidentCause.UpstreamDown, IncidentCause.Misconfiguration }); // refused, on a route new to the log
    }

    /// <summary>
    /// nginx writes an error line for each 502 it makes, so 502s of nginx's own page with the error log silent came from
    /// an nginx behind it; but only where the error log given reaches them: one that ends before them (a line pasted
    /// from minutes earlier, a capture that stopped) says nothing of them.
    /// </summary>
    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public void Analyze_NginxPages_AreAnUpstreamsOwnOnlyWhereTheErrorLogReachesThem(bool errorLogGoesOn, bool upstreamReturned)
    {
        var start = new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
        var access = Enumerable.Range(0, 80).Select(i =>
            $"10.9.8.{i} - - [{start.AddSeconds(i * 6):dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /notebooks/{i} HTTP/1.1\" {(i >= 75 ? "502 157" : "200 4312")} \"-\" \"curl/8.5.0\"");
        List<string> errors = [$"{start.AddMinutes(1):yyyy/MM/dd HH:mm:ss} [warn] 36#36: *82 an upstream response is buffered to a temporary file /var/lib/nginx/proxy/7/71/0000002717 while reading upstream, client: 10.9.8.10, server: lab.test, request: \"GET /notebooks/10 HTTP/1.1\", upstream: \"http://10.0.0.7:8888/notebooks/10\", host: \"lab.test\""];
        if (errorLogGoesOn)
        {
            errors.Add($"{start.AddMinutes(9):yyyy/MM/dd HH:mm:ss} [warn] 36#36: *95 an upstream response is buffered to a temporary file /var/lib/nginx/proxy/8/72/0000002718 while reading upstream, client: 10.9.8.79, server: lab.test, request: \"GET /notebooks/79 HTTP/1.1\", upstream: \"http://10.0.0.7:8888/notebooks/79\", host: \"lab.test\"");
        }

        var incident = Assert.Single(EngineTestKit.Analyze(access, errors, format: "combined").Incidents);

        Assert.Equal(upstreamReturned, incident.Cause == IncidentCause.UpstreamReturned);
    }

    [Theory]
    [InlineData("0.000", IncidentCause.UpstreamDown)] // nginx gave up at once: nothing answered
    [InlineData("0.240", IncidentCause.Unknown)] // the 502 came after a while: anyone's
    public void Analyze_OnlyTheRequestTime_SaysARefusalOnlyForInstant502s(string seconds, IncidentCause expected)
    {
        // A format with no upstream field at all (a published one: '[$time_local] $remote_addr - "$request" $status -
        // $request_time msec'), no error log, the refused 502s beside another upstream's slow 504s on the same host.
        var start = new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
        var access = Enumerable.Range(0, 80).Select(i =>
        {
            var (status, time) = i < 60 ? (200, "0.012") : i % 6 == 0 ? (504, "1.001") : (502, seconds);
            return $"[{start.AddSeconds(i):dd/MMM/yyyy:HH:mm:ss} +0000] 10.9.8.{i} - \"GET /api/{i} HTTP/1.1\" {status} - {time} msec";
        });

        var incidents = EngineTestKit.Analyze(access, errors: null, format: "[$time_local] $remote_addr - \"$request\" $status - $request_time msec").Incidents;

        // With no upstream to tell them apart, the status does: nginx's timer made the 504s, not what failed the 502s.
        Assert.Equal([502, 504], incidents.Select(i => i.Status).Order());
        var refused = incidents.Single(i => i.Status == 502);
        Assert.Equal((expected, 16), (refused.Cause, refused.FailedRequests));
        Assert.InRange(refused.Confidence, 0, 0.35);
        Assert.Equal((IncidentCause.Timeout, 4), (incidents.Single(i => i.Status == 504).Cause, incidents.Single(i => i.Status == 504).FailedRequests));
    }

    [Theory]
    [InlineData("no error log", IncidentCause.UpstreamDown)]
    [InlineData("the controller's error log, silent about them", IncidentCause.UpstreamDown)]
    [InlineData("limit_req's lines for them", IncidentCause.RateLimited)]
    public void Analyze_IngressNginx503sRoutedToABackendWithoutAnUpstream_AreABackendWithoutEndpoints(string errorLog, IncidentCause expected)
    {
        // ingress-nginx's balancer answers 503 itself, with no error line, for a request routed to a backend with no
        // endpoints: $proxy_upstream_name names it, $upstream_addr is "-". Two Services lose their pods; a third serves.
        // limit_req (an Ingress's limit-rps) also answers 503 without an upstream, but logs each rejection.
        var start = new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
        var access = new List<string>();
        var errors = new List<string>();
        for (var i = 0; i < 120; i++)
        {
            var time = start.AddSeconds(i);
            var backend = (i % 3) switch { 0 => "shop-cart-8080", 1 => "shop-api-80", _ => "shop-web-80" };
            var failed = i >= 60 && backend != "shop-web-80";
            var client = $"10.9.{i % 3}.{i}";
            access.Add($"{client} - - [{time:dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /{backend}/{i} HTTP/1.1\" {(failed ? 503 : 200)} {(failed ? 190 : 512)} \"-\" \"curl/8.5.0\" 80 {(failed ? "0.000" : "0.010")} "
                + $"[{backend}] [] {(failed ? "- - - -" : $"10.244.{i % 3}.7:8080 512 0.010 200")} {i:x32}");
            if (failed && errorLog.StartsWith("limit_req", StringComparison.Ordinal))
            {
                errors.Add($"{time:yyyy/MM/dd HH:mm:ss} [error] 31#31: *{1000 + i} limiting requests, excess: 5.120 by zone \"{backend}_rps\", client: {client}, server: shop.example.com, request: \"GET /{backend}/{i} HTTP/1.1\", host: \"shop.example.com\"");
            }
            else if (errorLog.StartsWith("the controller's", StringComparison.Ordinal) && i % 10 == 0)
            {
                errors.Add($"{time:yyyy/MM/dd HH:mm:ss} [warn] 31#31: *{1000 + i} a client request body is buffered to a temporary file /tmp/client-body/00000000{i:00}, client: {client}, server: shop.example.com, request: \"POST /upload HTTP/1.1\", host: \"shop.example.com\"");
            }
        }

        var report = EngineTestKit.Analyze(access, errorLog == "no error log" ? null : errors, format: "ingress-nginx");

        var incidents = report.Incidents.OrderBy(i => i.Upstream, StringComparer.Ordinal).ToList();
        if (expected == IncidentCause.RateLimited)
        {
            // The limits are nginx's own, before any upstream: one incident of the site, as for any limit_req.
            Assert.Equal((expected, 503, 40), (Assert.Single(incidents).Cause, incidents[0].Status, incidents[0].FailedRequests));
            return;
        }

        Assert.Equal(["shop-api-80", "shop-cart-8080"], incidents.Select(i => i.Upstream));
        Assert.All(incidents, i => Assert.Equal((expected, 503, 20), (i.Cause, i.Status, i.FailedRequests)));
        Assert.Contains("no endpoints", incidents[0].Summary, StringComparison.Ordinal);
        Assert.Contains(incidents[0].Remediation, step => step.Contains("kubectl get endpointslices", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(2)]
    [InlineData(1)]
    public void Analyze_IngressNginxTriesOneEndpointThrice_EachRequestCountsOnceOnTheErrorLinesHost(int linesPerRequest)
    {
        // ingress-nginx's balancer may give all of proxy_next_upstream_tries to the one endpoint a Service has:
        // "10.244.0.9:80, 10.244.0.9:80, 10.244.0.9:80", each try timing out at proxy_connect_timeout 5s, one error line
        // per try on the request's connection. Its default format logs no host; the error lines name it. A paste may
        // keep only some of a request's lines.
        var start = new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
        var access = new List<string>();
        var errors = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var end = start.AddSeconds(20 * i + 15);
            var client = $"172.68.34.{40 + i}";
            access.Add($"{client} - - [{end:dd/MMM/yyyy:HH:mm:ss} +0000] \"GET / HTTP/1.1\" 504 562 \"-\" \"curl/8.5.0\" 80 14.998 [web-80] [] "
                + $"10.244.0.9:80, 10.244.0.9:80, 10.244.0.9:80 0, 0, 0 5.000, 5.000, 5.000 504, 504, 504 {i:x32}");
            for (var t = 3 - linesPerRequest; t < 3; t++)
            {
                errors.Add($"{end.AddSeconds(-10 + (5 * t)):yyyy/MM/dd HH:mm:ss} [error] 31#31: *{569 + i} upstream timed out (110: Operation timed out) while connecting to upstream, "
                    + $"client: {client}, server: dev.example.com, request: \"GET / HTTP/1.1\", upstream: \"http://10.244.0.9:80/\", host: \"dev.example.com\"");
            }
        }

        var report = EngineTestKit.Analyze(access, errors, format: "ingress-nginx");

        var incident = Assert.Single(report.Incidents);
        Assert.Equal(("10.244.0.9:80", "dev.example.com", IncidentCause.Timeout, 6), (incident.Upstream, incident.Host, incident.Cause, incident.FailedRequests));
        Assert.Equal(6, report.Stats.FailedRequests);
    }

    /// <summary>
    /// nginx-proxy-manager's format logs <c>$upstream_status</c> but no time: 502s with nginx's own error page, the
    /// upstream's status the same 502, are nginx's own failures, and of those a connect that failed is the likelier (an
    /// upstream that answered wrong would need time it is not seen to take), said with low confidence.
    /// </summary>
    [Fact]
    public void Analyze_NginxProxyManagerFormat_NginxsOwn502sWithNoTimeLogged_AreMostLikelyAConnectThatFailed()
    {
        var start = new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.FromHours(5.75));
        string Line(int second, string upstreamStatus, int status, int length) =>
            $"[{start.AddSeconds(second).ToString("dd/MMM/yyyy:HH:mm:ss", CultureInfo.InvariantCulture)} +0545] - {upstreamStatus} {status} - GET https app.example.com \"/api/{second}\" [Client 203.0.113.{second % 200 + 1}] [Length {length}] [Gzip -] [Sent-to 192.168.1.50] \"Mozilla/5.0\" \"-\"";
        var access = Enumerable.Range(0, 60).Select(i => Line(i * 2, "200", 200, 2367))
            .Concat(Enumerable.Range(0, 8).Select(i => Line(120 + i * 3, i % 3 == 0 ? "502, 502" : "502", 502, 556)));

        var report = EngineTestKit.Analyze(access, errors: null, format: "nginx-proxy-manager");

        var incident = Assert.Single(report.Incidents);
        Assert.Equal((IncidentCause.UpstreamDown, 8), (incident.Cause, incident.FailedRequests));
        Assert.True(incident.Confidence <= 0.4, $"confidence {incident.Confidence}");
    }

    /// <summary>
    /// gunicorn's <c>--timeout</c> behind a short capture: a few slow requests each killed by the arbiter (the first a
    /// second or so after the limit, the ones queued behind it later), none sooner, while the upstream answers the
    /// others in milliseconds. A crash kills requests at any point of their lives, the quick ones in flight alike;
    /// five failures that each took a thousand times what the others take were held up by the server first.
    /// </summary>
    [Theory]
    [InlineData("3.104 3.812 4.407 5.011 5.532", "0.002", IncidentCause.Timeout)]
    [InlineData("0.310 1.804 2.907 4.011 5.532", "0.002", IncidentCause.InvalidResponse)]
    [InlineData("3.104 3.812 4.407 5.011 5.532", "0.900", IncidentCause.InvalidResponse)]
    public void Analyze_AFewSlowFailuresFarAboveTheUpstreamsOtherAnswers_AreItsTimeout(string failedSeconds, string othersSeconds, IncidentCause expected)
    {
        var times = failedSeconds.Split(' ');
        var lines = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            lines.Add(i % 8 == 7 ? Line(i, 502, "0", times[i / 8]) : Line(i, 200, "512", othersSeconds));
        }

        var incident = Single(lines);

        Assert.Equal((expected, 5), (incident.Cause, incident.FailedRequests));
    }

    /// <summary>
    /// A format that logs the upstream's status or times but not its address: limit_req's 503s have every
    /// <c>$upstream_*</c> variable "-" (nginx tried no upstream), which says what "-" in <c>$upstream_addr</c> would.
    /// </summary>
    [Theory]
    [InlineData("$remote_addr [$time_local] \"$request\" $status $body_bytes_sent $request_time $upstream_response_time \"$http_user_agent\"")]
    [InlineData("$remote_addr [$time_local] \"$request\" $status $upstream_status $body_bytes_sent \"$http_user_agent\"")]
    public void Analyze_503sWithEveryUpstreamVariableADash_AreNginxsOwnRateLimit(string format)
    {
        var start = new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.FromHours(-9));
        string Line(int second, int status)
        {
            var (upstreamStatus, upstreamTime) = status == 503 ? ("-", "-") : ("200", "0.011");
            var time = $"{start.AddSeconds(second):dd/MMM/yyyy:HH:mm:ss} -0900";
            return format.Contains("$upstream_status", StringComparison.Ordinal)
                ? $"10.9.8.{second % 9} [{time}] \"GET /api/search?q={second} HTTP/1.1\" {status} {upstreamStatus} {(status == 503 ? 197 : 480)} \"curl/8.5.0\""
                : $"10.9.8.{second % 9} [{time}] \"GET /api/search?q={second} HTTP/1.1\" {status} {(status == 503 ? 197 : 480)} {(status == 503 ? "0.000" : "0.012")} {upstreamTime} \"curl/8.5.0\"";
        }

        var access = Enumerable.Range(0, 120).Select(i => Line(i, i is >= 60 and < 90 && i % 3 != 0 ? 503 : 200));

        var report = EngineTestKit.Analyze(access, errors: null, format: format);

        var incident = Assert.Single(report.Incidents);
        Assert.Equal((IncidentCause.RateLimited, 503, 20), (incident.Cause, incident.Status, incident.FailedRequests));
    }

    /// <summary>
    /// <c>combined</c> logs no upstream field, so only the body tells who made a 503: nginx's own page (185 bytes and its
    /// server's name) comes from limit_req, limit_conn or a <c>return 503</c>. A limiter rejects only the excess, so the
    /// same route keeps serving others in the same seconds; a <c>return 503</c> answers all of them; an application's
    /// page has a size of its own. The error log is not read (its limit lines would have named the limit).
    /// </summary>
    [Theory]
    [InlineData("nginx/1.18.0", true, IncidentCause.RateLimited)]
    [InlineData("nginx/1.14.0 (Ubuntu)", true, IncidentCause.RateLimited)]
    [InlineData("nginx/1.18.0", false, IncidentCause.Unknown)]
    [InlineData("an application's page", true, IncidentCause.UpstreamReturned)]
    public void Analyze_CombinedFormat503s_NginxsOwnPageAmongTheRoutesSuccessesIsALimit(string page, bool othersServed, IncidentCause expected)
    {
        var start = new DateTimeOffset(2026, 12, 5, 10, 20, 0, TimeSpan.FromHours(1));
        var bytes = page switch
        {
            "nginx/1.18.0" => 185 + 12,
            "nginx/1.14.0 (Ubuntu)" => 185 + 16 + 21,
            _ => 1_873,
        };
        var access = Enumerable.Range(0, 120).SelectMany(second => Enumerable.Range(0, 3).Select(k =>
        {
            var rejected = second is >= 30 and < 90 && (k == 1 || !othersServed);
            var time = $"{start.AddSeconds(second):dd/MMM/yyyy:HH:mm:ss} +0100";
            return $"203.0.113.{(second * 3 + k) % 200} - - [{time}] \"GET /api/search?q={second}-{k} HTTP/1.1\" "
                + $"{(rejected ? 503 : 200)} {(rejected ? bytes : 2_048 + k)} \"-\" \"Mozilla/5.0\"";
        }));

        var incident = Assert.Single(EngineTestKit.Analyze(access, errors: null, format: null).Incidents);

        Assert.Equal((expected, 503), (incident.Cause, incident.Status));
        Assert.InRange(incident.Confidence, 0, 0.5);
    }

    /// <summary>
    /// nginx moves to the next server only after a try failed (refused, timed out) and logs the last try's answer: a 503
    /// after <c>a, b</c> is b's own. One server refusing and the next answering its own 503s are two incidents, not
    /// a block whose servers failed together.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Analyze_TriesEndingInTheNextServersOwn503_AreEachServersOwnFailure(bool logsUpstreamStatus)
    {
        var start = new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.FromHours(-5));
        const string A = "127.0.0.1:21161", B = "127.0.0.1:21162";
        string Line(int second, string path, string addr, string upstreamStatus, int status, int bytes) =>
            $"{start.AddSeconds(second):dd/MMM/yyyy:HH:mm:ss} -0500|127.0.0.1|edge.test|{addr}|{status}|{bytes}|0.002|"
            + (logsUpstreamStatus ? $"{upstreamStatus}|" : "") + $"GET {path}/{second} HTTP/1.1";
        var access = new List<string>();
        for (var i = 0; i < 200; i++)
        {
            access.Add(i is >= 60 and < 90 ? Line(i, "/app", A, "502", 502, 157) : Line(i, "/app", A, "200", 200, 118));
            access.Add(i is >= 60 and < 90 ? Line(i, "/maint", B, "503", 503, 43) : Line(i, "/maint", B, "200", 200, 119));
            if (i is 59 or 76)
            {
                // a refused a request for the maintenance pages, and nginx went on to b, which answered its own 503.
                access.Add(Line(i, "/maint", $"{A}, {B}", "502, 503", 503, 43));
            }
        }

        var format = "$time_local|$remote_addr|$host|$upstream_addr|$status|$body_bytes_sent|$request_time|" + (logsUpstreamStatus ? "$upstream_status|" : "") + "$request";

        var report = EngineTestKit.Analyze(access, errors: null, format: format);

        Assert.Equal(
            [(A, IncidentCause.UpstreamDown, 502), (B, IncidentCause.UpstreamReturned, 503)],
            report.Incidents.OrderBy(i => i.Upstream, StringComparer.Ordinal).Select(i => (i.Upstream, i.Cause, i.Status)));
    }

    private static Incident Single(IEnumerable<string> access)
    {
        var report = EngineTestKit.Analyze(access, errors: null, format: "ingress-nginx");
        Assert.Equal(0, report.Stats.MalformedLines);
        return Assert.Single(report.Incidents);
    }

    /// <summary>Two minutes of successes, then 20 failed requests to the same upstream.</summary>
    private static IEnumerable<string> Failures(int status, string length, Func<int, string> seconds)
    {
        for (var i = 0; i < 60; i++)
        {
            yield return Line(i * 2, 200, "512", "0.010");
        }

        for (var i = 0; i < 20; i++)
        {
            yield return Line(120 + i, status, length, seconds(i));
        }
    }

    private static string Line(int second, int status, string length, string upstreamSeconds, int bodyBytes = 240)
    {
        var time = new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero).AddSeconds(second);
        return $"10.9.8.7 - - [{time:dd/MMM/yyyy:HH:mm:ss} +0000] \"GET /api/items HTTP/1.1\" {status} {bodyBytes} \"-\" \"curl/8.5.0\" 80 {upstreamSeconds} "
            + $"[default-api-80] [] 10.0.0.1:8080 {length} {upstreamSeconds} {status} 5a3c0d1e9b2f4a6c8d7e6f5a4b3c2d1e";
    }
}
