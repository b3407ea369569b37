using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using FunctionsApp.Analysis;
using FunctionsApp.Hosting;
using FunctionsApp.Incidents;
using FunctionsApp.NginxLogs;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FunctionsApp.Query;

/// <summary>
/// The REST API over what the analyzer found: incidents (filtered, paged), upstream health, per-minute timelines,
/// and ad-hoc analysis of uploaded logs. Every route needs a function key; every error is a ProblemDetails.
/// </summary>
internal static class QueryApi
{
    /// <summary>How long a continuation token stays valid.</summary>
    public static readonly TimeSpan ContinuationLifetime = TimeSpan.FromHours(1);

    private const int DefaultLimit = 50;
    private const int MaxLimit = 500;

    public static IEndpointRouteBuilder MapQueryApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Incidents");
        api.MapGet("/incidents", ListIncidentsAsync)
            .WithName("ListIncidents")
            .WithSummary("Incidents, newest first, filtered by time, site, upstream, host, cause and state; paged by continuation token.");
        api.MapGet("/incidents/{id}", GetIncidentAsync)
            .WithName("GetIncident")
            .WithSummary("One incident with its full evidence and remediation.");
        api.MapGet("/upstreams", ListUpstreamsAsync)
            .WithName("ListUpstreams")
            .WithSummary("Each upstream's current health and its last incident.");
        api.MapGet("/timeline", GetTimelineAsync)
            .WithName("GetTimeline")
            .WithSummary("Requests and 5xx of one upstream per time bucket, any window within the timeline's retention.");
        api.MapPost("/analyze", AnalyzeAsync)
            .WithName("AnalyzeLogs")
            .WithSummary("Analyses uploaded logs synchronously (multipart fields 'access' and 'error', or a raw body with ?kind=) and returns the analyze JSON.")
            .DisableAntiforgery();
        return app;
    }

    public static async Task<Results<Ok<IncidentPage>, ProblemHttpResult>> ListIncidentsAsync(
        string? from, string? to, string? site, string? upstream, string? host, string? cause, string? state, string? limit, string? continuation,
        IIncidentStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!TryParseFilter(from, to, cause, state, limit, out var filter, out var problem))
        {
            return problem;
        }

        filter = filter with { Query = filter.Query with { Site = site, Upstream = upstream, Host = host } };
        var filterKey = filter.Key();
        ContinuationToken? after = null;
        if (continuation is not null)
        {
            if (!ContinuationToken.TryDecode(continuation, out var token) || token.FilterKey != filterKey)
            {
                return Problems.Create(400, ProblemTypes.InvalidContinuation, "Invalid continuation token",
                    "The continuation token is malformed or was issued for other filters; start again without it.");
            }

            if (time.GetUtcNow() - token.Issued > ContinuationLifetime)
            {
                return Problems.Create(400, ProblemTypes.ContinuationExpired, "Continuation token expired",
                    $"Continuation tokens are valid for {ContinuationLifetime.TotalMinutes:0} minutes; start the listing again without it.");
            }

            after = token;
        }

        // One more than the page tells whether there is a next page; only the index and these documents are read.
        var found = await store.QueryAsync(filter.Query, after is null ? null : new IncidentCursor(after.Start, after.Id), filter.Limit + 1, cancellationToken);
        var page = found.Take(filter.Limit).ToList();
        var next = found.Count > filter.Limit
            ? new ContinuationToken(time.GetUtcNow(), filterKey, page[^1].Start.ToUnixTimeSeconds(), page[^1].Id).Encode()
            : null;
        return TypedResults.Ok(new IncidentPage(page, next));
    }

    public static async Task<Results<Ok<Incident>, ProblemHttpResult>> GetIncidentAsync(string id, IIncidentStore store, CancellationToken cancellationToken)
    {
        if (!IncidentIds.IsWellFormed(id))
        {
            return Problems.Create(400, ProblemTypes.InvalidQuery, "Invalid incident id", "Incident ids are lower-case hexadecimal, as returned by GET /api/incidents.");
        }

        return await store.GetAsync(id, cancellationToken) is { } incident
            ? TypedResults.Ok(incident)
            : Problems.Create(404, ProblemTypes.IncidentNotFound, "Incident not found", $"No incident has the id '{id}'.");
    }

    public static async Task<Ok<IReadOnlyList<UpstreamHealth>>> ListUpstreamsAsync(
        IAnalyzerStateStore states, IIncidentStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var sites = new List<Analysis.SiteState>();
        await foreach (var site in states.LoadAllAsync(cancellationToken))
        {
            sites.Add(site);
        }

        // Each upstream's latest incident, from the index (one short range read each), not from a listing of every
        // incident ever stored.
        var names = sites.SelectMany(s => s.Engine.Upstreams().Select(u => u.Upstream).Concat(s.Engine.FailingUpstreams())).Distinct(StringComparer.Ordinal);
        var lastIncidents = new System.Collections.Concurrent.ConcurrentDictionary<string, IncidentSummary>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(
            names,
            new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (upstream, ct) =>
            {
                if ((await store.QueryAsync(new IncidentQuery { Upstream = upstream }, null, 1, ct)) is [var last])
                {
                    lastIncidents[upstream] = last;
                }
            });

        var result = new List<UpstreamHealth>();
        foreach (var site in sites)
        {
            var open = site.Engine.FailingUpstreams();
            foreach (var (upstream, history) in site.Engine.Upstreams())
            {
                lastIncidents.TryGetValue(upstream, out var last);
                var health = EngineState.Health(history, open.Contains(upstream), now);
                result.Add(new UpstreamHealth(upstream, site.Site, health, history.Served, history.GatewayFailures, history.FailedTries,
                    history.LastServed, history.LastFailure, last));
            }

            // Upstreams known only from incidents (the access log names no upstreams).
            foreach (var upstream in open.Where(u => site.Engine.UpstreamHistory(u) is null))
            {
                lastIncidents.TryGetValue(upstream, out var last);
                result.Add(new UpstreamHealth(upstream, site.Site, "failing", 0, last?.FailedRequests ?? 0, 0, null, last?.End, last));
            }
        }

        return TypedResults.Ok<IReadOnlyList<UpstreamHealth>>([.. result.OrderBy(u => u.Upstream, StringComparer.Ordinal).ThenBy(u => u.Site, StringComparer.Ordinal)]);
    }

    public static async Task<Results<Ok<Timeline>, ProblemHttpResult>> GetTimelineAsync(
        string? upstream, string? bucket, string? from, string? to, IAnalyzerStateStore states, ITimelineStore timeline, TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(upstream))
        {
            return Problems.Create(400, ProblemTypes.InvalidQuery, "Missing upstream", "Give ?upstream= as GET /api/upstreams names it, e.g. ?upstream=10.0.0.1:8080.");
        }

        var size = (bucket ?? "1m") switch
        {
            "1m" => TimeSpan.FromMinutes(1),
            "5m" => TimeSpan.FromMinutes(5),
            "15m" => TimeSpan.FromMinutes(15),
            "1h" => TimeSpan.FromHours(1),
            _ => TimeSpan.Zero,
        };
        if (size == TimeSpan.Zero)
        {
            return Problems.Create(400, ProblemTypes.InvalidQuery, "Invalid bucket", $"bucket '{bucket}' is not one of 1m, 5m, 15m, 1h.");
        }

        var now = time.GetUtcNow();
        if (!TryParseTime(from, "from", out var start, out var problem) || !TryParseTime(to, "to", out var end, out problem))
        {
            return problem;
        }

        var windowEnd = end ?? now;
        var windowStart = start ?? windowEnd - TimeSpan.FromHours(1);
        if (windowStart > windowEnd)
        {
            return Problems.Create(400, ProblemTypes.InvalidQuery, "Invalid time range", "'from' is after 'to'.");
        }

        // Each site's minutes from its engine state (the freshest, its last two hours), older ones from the stored timeline.
        var minutes = new Dictionary<(string Site, DateTimeOffset Minute), TimelineMinute>();
        var found = false;
        await foreach (var site in states.LoadAllAsync(cancellationToken))
        {
            if (site.Engine.UpstreamHistory(upstream) is null)
            {
                continue;
            }

            found = true;
            foreach (var m in site.Engine.Minutes(upstream, windowStart, windowEnd))
            {
                minutes[(site.Site, m.Minute)] = new TimelineMinute(m.Minute, m.Requests, m.Upstream5xx, m.Status502, m.Status503, m.Status504);
            }
        }

        foreach (var (site, minute) in await timeline.ReadAsync(upstream, windowStart, windowEnd, cancellationToken))
        {
            found = true;
            minutes.TryAdd((site, minute.Minute), minute);
        }

        if (!found)
        {
            return Problems.Create(404, ProblemTypes.InvalidQuery, "Unknown upstream", $"No site has seen the upstream '{upstream}'.");
        }

        var points = new SortedDictionary<DateTimeOffset, (long Requests, long Upstream5xx, long S502, long S503, long S504)>();
        foreach (var minute in minutes.Values)
        {
            var slot = DateTimeOffset.FromUnixTimeSeconds(minute.Minute.ToUnixTimeSeconds() / (long)size.TotalSeconds * (long)size.TotalSeconds);
            var p = points.GetValueOrDefault(slot);
            points[slot] = (p.Requests + minute.Requests, p.Upstream5xx + minute.Upstream5xx, p.S502 + minute.Status502, p.S503 + minute.Status503, p.S504 + minute.Status504);
        }

        return TypedResults.Ok(new Timeline(upstream, bucket ?? "1m", [.. points.Select(p => new TimelinePoint(p.Key, p.Value.Requests, p.Value.Upstream5xx,
            new Dictionary<string, long> { ["502"] = p.Value.S502, ["503"] = p.Value.S503, ["504"] = p.Value.S504 }))]));
    }

    public static async Task<Results<Ok<AnalysisReport>, ProblemHttpResult>> AnalyzeAsync(
        HttpRequest request, string? kind, string? format, IOptions<DiagnosisOptions> diagnosis, CancellationToken cancellationToken)
    {
        AccessLogFormat? compiled = null;
        if (format is { Length: > 0 } && format != "auto" && !AccessLogFormat.TryCompile(format, out compiled, out var formatError))
        {
            return Problems.Create(400, ProblemTypes.InvalidQuery, "Invalid log format", formatError);
        }

        var access = new List<LogInput>();
        var errors = new List<LogInput>();
        string? tempFile = null;
        try
        {
            if (request.HasFormContentType)
            {
                var form = await request.ReadFormAsync(cancellationToken);
                foreach (var file in form.Files)
                {
                    var target = file.Name switch
                    {
                        "access" => access,
                        "error" => errors,
                        _ => null,
                    };
                    if (target is null)
                    {
                        return Problems.Create(400, ProblemTypes.InvalidQuery, "Unknown form field", $"Form field '{file.Name}' is neither 'access' nor 'error'.");
                    }

                    target.Add(new LogInput(file.FileName, () => Decompress(file.FileName, file.OpenReadStream())));
                }
            }
            else
            {
                var list = kind switch
                {
                    "access" => access,
                    "error" => errors,
                    _ => null,
                };
                if (list is null)
                {
                    return Problems.Create(400, ProblemTypes.InvalidKind, "Missing or invalid kind", "A raw body needs ?kind=access or ?kind=error; or send multipart fields 'access' and 'error'.");
                }

                // The engine reads synchronously: spool the body to a temporary file rather than into memory.
                tempFile = Path.GetTempFileName();
                await using (var spool = File.Create(tempFile))
                {
                    await request.Body.CopyToAsync(spool, cancellationToken);
                }

                var path = tempFile;
                var encoding = request.Headers.ContentEncoding.ToString();
                list.Add(new LogInput("body", () => Decompress(encoding == "gzip" ? "body.gz" : "body", File.OpenRead(path))));
            }

            if (access.Count == 0 && errors.Count == 0)
            {
                return Problems.Create(400, ProblemTypes.UnsupportedBody, "No logs", "Send multipart fields 'access' and/or 'error', or a raw body with ?kind=.");
            }

            var report = await Task.Run(() => LogAnalyzer.Analyze(access, errors, compiled, diagnosis.Value, cancellationToken), cancellationToken);
            var unreadable = report.Stats.Inputs.FirstOrDefault(i => i.Lines > 0 && i.Parsed == 0);
            if (unreadable is not null)
            {
                return Problems.Create(422, ProblemTypes.UnparseableLogs, "No line could be parsed",
                    $"No line of {unreadable.Name} ({unreadable.Lines} lines) is a valid nginx {unreadable.Kind} log line"
                    + (unreadable.Kind == "access" ? $" in the format '{compiled?.Name ?? "detected: none of " + string.Join(", ", AccessLogFormat.PresetNames)}'." : "."));
            }

            return TypedResults.Ok(report);
        }
        catch (InvalidDataException)
        {
            return Problems.Create(400, ProblemTypes.CorruptCompression, "Corrupt compression", "A .gz upload could not be decompressed.");
        }
        finally
        {
            if (tempFile is not null)
            {
                File.Delete(tempFile);
            }
        }
    }

    private static Stream Decompress(string name, Stream stream) => PrettyJsonLines.Wrap(
        name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(stream, CompressionMode.Decompress) : stream);

    private static bool TryParseFilter(
        string? from, string? to, string? cause, string? state, string? limit, out IncidentFilter filter, [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        filter = new IncidentFilter(new IncidentQuery());
        if (!TryParseTime(from, "from", out var start, out problem) || !TryParseTime(to, "to", out var end, out problem))
        {
            return false;
        }

        if (start > end)
        {
            problem = Problems.Create(400, ProblemTypes.InvalidQuery, "Invalid time range", "'from' is after 'to'.");
            return false;
        }

        IncidentCause? parsedCause = null;
        if (cause is not null)
        {
            if (!IncidentCauses.TryParse(cause, out var named))
            {
                problem = Problems.Create(400, ProblemTypes.InvalidQuery, "Invalid cause", $"cause '{cause}' is not one of {IncidentCauses.NameList}.");
                return false;
            }

            parsedCause = named;
        }

        IncidentState? parsedState = null;
        if (state is not null)
        {
            if (state is not ("open" or "resolved"))
            {
                problem = Problems.Create(400, ProblemTypes.InvalidQuery, "Invalid state", $"state '{state}' is neither 'open' nor 'resolved'.");
                return false;
            }

            parsedState = state == "open" ? IncidentState.Open : IncidentState.Resolved;
        }

        var parsedLimit = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out parsedLimit) || parsedLimit is < 1 or > MaxLimit))
        {
            problem = Problems.Create(400, ProblemTypes.InvalidQuery, "Invalid limit", $"limit '{limit}' is not a whole number from 1 to {MaxLimit}.");
            return false;
        }

        filter = new IncidentFilter(new IncidentQuery { From = start, To = end, Cause = parsedCause, State = parsedState }, parsedLimit);
        return true;
    }

    private static bool TryParseTime(string? value, string name, out DateTimeOffset? time, [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        time = null;
        problem = null;
        if (value is null)
        {
            return true;
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            time = parsed;
            return true;
        }

        problem = Problems.Create(400, ProblemTypes.InvalidQuery, $"Invalid '{name}'", $"'{name}' value '{value}' is not an ISO 8601 time such as 2026-11-24T10:00:00Z.");
        return false;
    }

    /// <summary>The filters of a listing and its page size; <see cref="Key"/> ties continuation tokens to them.</summary>
    private sealed record IncidentFilter(IncidentQuery Query, int Limit = DefaultLimit)
    {
        public string Key() => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Create(
            CultureInfo.InvariantCulture,
            $"{Query.From?.ToUnixTimeSeconds()}|{Query.To?.ToUnixTimeSeconds()}|{Query.Site}|{Query.Upstream}|{Query.Host}|{Query.Cause}|{Query.State}|{Limit}"))).AsSpan(0, 8));
    }
}
