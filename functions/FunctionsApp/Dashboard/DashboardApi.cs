using System.Globalization;
using System.Xml;
using FunctionsApp.Analysis;
using FunctionsApp.Hosting;
using FunctionsApp.Incidents;
using FunctionsApp.Ingestion;
using FunctionsApp.Notifications;
using FunctionsApp.Notifications.Outbox;
using FunctionsApp.Notifications.Routing;
using FunctionsApp.Query;
using FunctionsApp.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FunctionsApp.Dashboard;

/// <summary>
/// The dashboard an on-call engineer lands on from a message: the page and its bundle (<c>/api/dashboard/…</c>, no data,
/// anonymous), a standalone sign-in (<c>/api/dashboard-session</c>), and the data and buttons behind it
/// (<c>/api/dashboard-data/…</c>, guarded by <see cref="DashboardAccess"/>: platform sign-in in Azure, a function key
/// standalone). The Functions host lets these through as <c>anonymous</c>; the app does the checking.
/// </summary>
internal static class DashboardApi
{
    public const string BasePath = "/api/dashboard";
    private const int MaxListed = 200;

    public static IEndpointRouteBuilder MapDashboardApi(this IEndpointRouteBuilder app)
    {
        app.MapGet(BasePath + "/{*path}", Page)
            .WithName("Dashboard").WithSummary("The dashboard page (incident list, incident pages) and its script and styles.")
            .WithTags("Dashboard").AllowAnonymous().ExcludeFromDescription();
        app.MapPost("/api/dashboard-session", SignIn)
            .WithName("DashboardSignIn").WithSummary("Standalone: checks a function key once and starts a browser session (cookie).")
            .WithTags("Dashboard").AllowAnonymous();

        var data = app.MapGroup("/api/dashboard-data").WithTags("Dashboard").AllowAnonymous()
            .WithMetadata(new DashboardProtectedAttribute())
            .AddEndpointFilter(async (context, next) => Refusal(context.HttpContext) ?? await next(context));
        data.MapGet("/overview", OverviewAsync).WithName("DashboardOverview").WithSummary("Incidents, upstream health, and ingest and analyzer status.");
        data.MapGet("/incidents/{id}", IncidentAsync).WithName("DashboardIncident").WithSummary("One incident with its notification history.");
        data.MapPost("/incidents/{id}/ack", AcknowledgeAsync).WithName("DashboardAcknowledge").WithSummary("Acknowledges an incident from the dashboard.");
        data.MapPost("/incidents/{id}/silence", SilenceAsync).WithName("DashboardSilence").WithSummary("Silences an incident's notifications for a while.");
        return app;
    }

    /// <summary>
    /// The data endpoints' guard, for both hosts: the refusal to send when the request is not signed in (platform
    /// sign-in under the Functions host, a function key or session standalone) or a POST does not come from the
    /// dashboard's buttons; <c>null</c> when it may proceed.
    /// </summary>
    public static IResult? Refusal(HttpContext context)
    {
        var request = context.Request;
        var access = context.RequestServices.GetRequiredService<DashboardAccess>();
        if (!access.IsAllowed(request))
        {
            return access.PlatformSignIn
                ? Problems.Create(401, ProblemTypes.Unauthorized, "Sign in first", access.PlatformAuthEnabled
                    ? "Sign in through App Service Authentication (open the dashboard page)."
                    : "App Service Authentication is off for this app: turn it on (infra/ configures it) to use the dashboard.")
                : Problems.Create(401, ProblemTypes.Unauthorized, "Enter a function key", "Open the dashboard page and enter a function key, or send x-functions-key.");
        }

        if (HttpMethods.IsPost(request.Method) && request.Headers[DashboardAccess.ButtonHeader] != DashboardAccess.ButtonHeaderValue)
        {
            return Problems.Create(403, ProblemTypes.Unauthorized, "Not from the dashboard", $"Dashboard buttons send '{DashboardAccess.ButtonHeader}: {DashboardAccess.ButtonHeaderValue}'.");
        }

        return null;
    }

    public static IResult Page(string? path, HttpContext context)
    {
        var response = context.Response;
        response.Headers.ContentSecurityPolicy = DashboardPage.ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
        if (path is { } p && p.StartsWith("assets/", StringComparison.Ordinal))
        {
            if (DashboardAssets.Find(p["assets/".Length..]) is not { } asset)
            {
                return Problems.Create(404, ProblemTypes.InvalidQuery, "No such file", "The dashboard has app.js and app.css.");
            }

            response.Headers.CacheControl = "no-cache";
            response.Headers.ETag = asset.ETag;
            return context.Request.Headers.IfNoneMatch == asset.ETag
                ? TypedResults.StatusCode(304)
                : TypedResults.Bytes(asset.Bytes, asset.ContentType);
        }

        response.Headers.CacheControl = "no-store";
        return TypedResults.Text(DashboardPage.Shell(context.Request.PathBase + BasePath), "text/html; charset=utf-8");
    }

    public static Results<NoContent, ProblemHttpResult> SignIn(DashboardSignIn request, DashboardAccess access, HttpContext context)
    {
        if (access.PlatformSignIn)
        {
            return Problems.Create(404, ProblemTypes.InvalidQuery, "Not used here", "Under the Functions host people sign in through App Service Authentication.");
        }

        if (request.Key is not { Length: > 0 } key || !access.IsKey(key))
        {
            return Problems.Create(401, ProblemTypes.Unauthorized, "Wrong function key", "Enter one of the keys configured under Auth:FunctionKeys.");
        }

        context.Response.Cookies.Append(DashboardAccess.CookieName, access.NewSession(key), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/api/",
        });
        return TypedResults.NoContent();
    }

    public static async Task<Ok<DashboardOverview>> OverviewAsync(
        string? ids, IIncidentStore store, IAnalyzerStateStore states, IGrouperStateStore grouper, ILogArchive archive,
        IOptions<IngestionOptions> ingestion, IOptions<NotificationsOptions> notifications, TimeProvider time, CancellationToken cancellationToken)
    {
        var wanted = ids?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        var summaries = new List<IncidentSummary>();
        if (wanted is not null)
        {
            foreach (var id in wanted.Where(IncidentIds.IsWellFormed).Take(MaxListed))
            {
                if (await store.GetAsync(id, cancellationToken) is { } incident)
                {
                    summaries.Add(IncidentSummary.Of(incident));
                }
            }
        }
        else
        {
            // Open ones first, then the newest: the newest MaxListed open ones and the newest MaxListed of all hold every
            // row the list shows, read from the index instead of a listing of every incident.
            var open = await store.QueryAsync(new IncidentQuery { State = IncidentState.Open }, null, MaxListed, cancellationToken);
            var newest = open.Count < MaxListed ? await store.QueryAsync(new IncidentQuery(), null, MaxListed, cancellationToken) : [];
            summaries.AddRange(open.Concat(newest).DistinctBy(i => i.Id, StringComparer.Ordinal));
        }

        var (snapshot, _) = await grouper.LoadAsync(cancellationToken);
        var acknowledged = snapshot.Acknowledged.ToHashSet(StringComparer.Ordinal);
        var rows = summaries
            .OrderByDescending(i => i.State == IncidentState.Open).ThenByDescending(i => i.Start).ThenBy(i => i.Id, StringComparer.Ordinal)
            .Take(MaxListed)
            .Select(i => new DashboardIncidentRow(i, Severity(i.FailedRequests, notifications.Value), acknowledged.Contains(i.Id)))
            .ToList();
        var upstreams = (await QueryApi.ListUpstreamsAsync(states, store, time, cancellationToken)).Value ?? [];
        var now = time.GetUtcNow();
        var sites = new List<SiteStatus>();
        await foreach (var site in states.LoadAllAsync(cancellationToken))
        {
            sites.Add(await StatusAsync(site, ingestion.Value, archive, now, cancellationToken));
        }

        return TypedResults.Ok(new DashboardOverview(now, rows, upstreams, [.. sites.OrderBy(s => s.Site, StringComparer.Ordinal)]));
    }

    public static async Task<Results<Ok<DashboardIncident>, ProblemHttpResult>> IncidentAsync(
        string id, IIncidentStore store, IGrouperStateStore grouper, OutboxDispatcher outbox, IOptions<NotificationsOptions> notifications,
        TimeProvider time, CancellationToken cancellationToken)
    {
        if (!IncidentIds.IsWellFormed(id))
        {
            return Problems.Create(400, ProblemTypes.InvalidQuery, "Invalid incident id", "Incident ids are lower-case hexadecimal.");
        }

        if (await store.GetAsync(id, cancellationToken) is not { } incident)
        {
            return Problems.Create(404, ProblemTypes.IncidentNotFound, "Incident not found", $"No incident has the id '{id}'.");
        }

        var (snapshot, _) = await grouper.LoadAsync(cancellationToken);
        var now = time.GetUtcNow();
        var history = (await outbox.ListAsync(cancellationToken))
            .Where(i => i.IncidentIds.Contains(id, StringComparer.Ordinal))
            .Select(i => new NotificationRecord(i.Receiver, i.Kind?.ToString().ToLowerInvariant(), State(i.State), i.CreatedAt, i.SentAt, i.Attempts, i.LastError))
            .ToList();
        var silences = snapshot.Silences.Where(s => s.EndsAt > now && s.Matchers.Any(m => m.Value == id || m.Value == incident.Host || m.Value == incident.Upstream)).ToList();
        return TypedResults.Ok(new DashboardIncident(incident, Severity(incident.FailedRequests, notifications.Value),
            snapshot.Acknowledged.Contains(id, StringComparer.Ordinal), history, silences));
    }

    public static Task<Results<Accepted, ProblemHttpResult>> AcknowledgeAsync(
        string id, IIncidentStore incidents, NotificationCycle cycle, CancellationToken cancellationToken) =>
        NotificationsApi.AcknowledgeAsync(id, incidents, cycle, cancellationToken);

    public static async Task<Results<Created<Silence>, ProblemHttpResult>> SilenceAsync(
        string id, DashboardSilence? request, HttpContext context, IIncidentStore incidents, NotificationCycle cycle, TimeProvider time,
        CancellationToken cancellationToken)
    {
        // Optional body, so the access check (an endpoint filter, after binding) answers first: 401, not 400.
        request ??= new DashboardSilence(null, null, null);
        if (await incidents.GetAsync(id, cancellationToken) is null)
        {
            return Problems.Create(404, ProblemTypes.IncidentNotFound, "Incident not found", $"No incident has the id '{id}'.");
        }

        TimeSpan duration;
        try
        {
            duration = request.Duration is { } text
                ? text.StartsWith('P') ? XmlConvert.ToTimeSpan(text) : TimeSpan.Parse(text, CultureInfo.InvariantCulture)
                : TimeSpan.FromHours(1);
        }
        catch (FormatException)
        {
            return Problems.Create(400, ProblemTypes.InvalidQuery, "Invalid duration", $"duration '{request.Duration}' is not like PT1H or 01:00:00.");
        }

        if (duration <= TimeSpan.Zero || duration > TimeSpan.FromDays(7))
        {
            return Problems.Create(400, ProblemTypes.InvalidQuery, "Invalid duration", "A dashboard silence lasts from a minute to 7 days.");
        }

        var who = context.Request.Headers["X-MS-CLIENT-PRINCIPAL-NAME"].ToString() is { Length: > 0 } name ? name : request.CreatedBy ?? "dashboard";
        var silence = new NewSilence([new SilenceMatcher("incident", id)], null, time.GetUtcNow() + duration, who, request.Comment ?? "silenced from the dashboard");
        return await NotificationsApi.AddSilenceAsync(silence, cycle, time, cancellationToken);
    }

    private static string Severity(int failed, NotificationsOptions options) =>
        failed >= options.CriticalFailedRequests ? "critical" : "warning";

    private static string State(OutboxState state) => state switch
    {
        OutboxState.Pending => "pending",
        OutboxState.Sending => "sending",
        OutboxState.Sent => "sent",
        OutboxState.DeadLettered => "dead_lettered",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    private static async Task<SiteStatus> StatusAsync(SiteState site, IngestionOptions ingestion, ILogArchive archive, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var sources = new List<SourceStatus>();
        foreach (var (name, checkpoint) in site.Sources.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            var read = checkpoint.Read.ToHashSet(StringComparer.Ordinal);
            ArchivedBatch? last = null;
            var unread = 0;
            await foreach (var batch in archive.ListBatchesAsync(name, checkpoint.Below, cancellationToken))
            {
                last = batch;
                unread += read.Contains(batch.BlobName) ? 0 : 1;
            }

            var kind = ingestion.Sources.TryGetValue(name, out var source) ? source.Kind : LogKind.Access;
            sources.Add(new SourceStatus(name, kind == LogKind.Error ? "error" : "access", last?.ReceivedAt, last?.LineCount ?? 0, unread,
                site.ShippingLag.TryGetValue(name, out var lag) ? Math.Round(lag.TotalSeconds, 1) : null));
        }

        var engine = site.Engine;
        return new SiteStatus(site.Site, site.LastRun, engine.Watermark, engine.Watermark is { } w ? Math.Round((now - w).TotalSeconds) : null,
            engine.Stats.AccessLines, engine.Stats.ErrorLines, engine.Stats.MalformedLines, [.. engine.Stats.MalformedSamples],
            engine.Trackers.Values.Count(t => t.IsOpen), sources);
    }
}

/// <summary>Marks routes the host lets through as <c>anonymous</c> but the app guards itself (<see cref="DashboardAccess"/>).</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
internal sealed class DashboardProtectedAttribute : Attribute;
