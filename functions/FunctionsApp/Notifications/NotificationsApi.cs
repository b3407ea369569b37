using FunctionsApp.Hosting;
using FunctionsApp.Incidents;
using FunctionsApp.Notifications.Outbox;
using FunctionsApp.Notifications.Routing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FunctionsApp.Notifications;

/// <summary>Acknowledgements, silences and dead letters: the on-call side of notifications.</summary>
internal static class NotificationsApi
{
    public static IEndpointRouteBuilder MapNotificationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Notifications");
        api.MapPost("/incidents/{id}/ack", AcknowledgeAsync)
            .WithName("AcknowledgeIncident")
            .WithSummary("Stops notifications about an incident (its resolution is still announced).");
        api.MapGet("/silences", ListSilencesAsync)
            .WithName("ListSilences")
            .WithSummary("Silences, active and scheduled.");
        api.MapPost("/silences", AddSilenceAsync)
            .WithName("AddSilence")
            .WithSummary("Silences notifications whose labels (host, upstream, cause, severity, incident) match, for a time.");
        api.MapGet("/notifications/dead-letters", ListDeadLettersAsync)
            .WithName("ListDeadLetters")
            .WithSummary("Notifications that ran out of attempts, with their last error.");
        api.MapPost("/notifications/dead-letters/{key}/requeue", RequeueAsync)
            .WithName("RequeueDeadLetter")
            .WithSummary("Puts a dead-lettered notification back in the outbox.");
        return app;
    }

    public static async Task<Results<Accepted, ProblemHttpResult>> AcknowledgeAsync(
        string id, IIncidentStore incidents, NotificationCycle cycle, CancellationToken cancellationToken)
    {
        if (await incidents.GetAsync(id, cancellationToken) is null)
        {
            return Problems.Create(404, ProblemTypes.IncidentNotFound, "Incident not found", $"No incident has the id '{id}'.");
        }

        return await cycle.UpdateAsync(g => g.Acknowledge(id), cancellationToken)
            ? TypedResults.Accepted($"/api/incidents/{id}")
            : Conflict();
    }

    public static async Task<Ok<IReadOnlyList<Silence>>> ListSilencesAsync(IGrouperStateStore state, CancellationToken cancellationToken)
    {
        var (snapshot, _) = await state.LoadAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<Silence>>([.. snapshot.Silences]);
    }

    public static async Task<Results<Created<Silence>, ProblemHttpResult>> AddSilenceAsync(
        NewSilence request, NotificationCycle cycle, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var startsAt = request.StartsAt ?? now;
        var problems = new List<string>();
        if (request.Matchers is not { Count: > 0 })
        {
            problems.Add("a silence needs at least one matcher, e.g. {\"label\":\"host\",\"value\":\"api.example.com\"}");
        }
        else if (request.Matchers.FirstOrDefault(m => !SilenceLabels.Contains(m.Label) || string.IsNullOrWhiteSpace(m.Value)) is { } bad)
        {
            problems.Add($"matcher label '{bad.Label}' must be one of {string.Join(", ", SilenceLabels)} with a value");
        }

        if (request.EndsAt is not { } endsAt || endsAt <= startsAt)
        {
            problems.Add("endsAt must be given and later than startsAt (default: now)");
        }

        if (string.IsNullOrWhiteSpace(request.CreatedBy))
        {
            problems.Add("createdBy names who silences");
        }

        if (problems.Count > 0)
        {
            return Problems.Create(400, ProblemTypes.InvalidQuery, "Invalid silence", string.Join("; ", problems) + ".");
        }

        var silence = new Silence(
            Guid.CreateVersion7(now).ToString("N"), request.Matchers!, startsAt, request.EndsAt!.Value, request.CreatedBy!, request.Comment ?? "");
        return await cycle.UpdateAsync(g => g.AddSilence(silence), cancellationToken)
            ? TypedResults.Created($"/api/silences/{silence.Id}", silence)
            : Conflict();
    }

    public static async Task<Ok<IReadOnlyList<DeadLetter>>> ListDeadLettersAsync(OutboxDispatcher dispatcher, CancellationToken cancellationToken)
    {
        var items = await dispatcher.ListDeadLettersAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<DeadLetter>>([.. items.Select(i => new DeadLetter(i.IdempotencyKey, i.Receiver, i.Attempts, i.CreatedAt, i.LastError))]);
    }

    public static async Task<Results<Accepted, ProblemHttpResult>> RequeueAsync(string key, OutboxDispatcher dispatcher, CancellationToken cancellationToken) =>
        await dispatcher.RequeueAsync(key, cancellationToken)
            ? TypedResults.Accepted((string?)null)
            : Problems.Create(404, ProblemTypes.InvalidQuery, "No such dead letter", $"No dead-lettered notification has the key '{key}'.");

    private static readonly string[] SilenceLabels = ["host", "upstream", "cause", "severity", "incident"];

    private static ProblemHttpResult Conflict() =>
        Problems.Create(409, ProblemTypes.StorageError, "Concurrent change", "The notification state changed at the same time; send the request again.");

}

/// <summary>The body of <c>POST /api/silences</c>.</summary>
public sealed record NewSilence(IReadOnlyList<SilenceMatcher>? Matchers, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, string? CreatedBy, string? Comment);

/// <summary>A notification that ran out of attempts.</summary>
public sealed record DeadLetter(string Key, string Receiver, int Attempts, DateTimeOffset CreatedAt, string? LastError);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[System.Text.Json.Serialization.JsonSerializable(typeof(NewSilence))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Silence))]
[System.Text.Json.Serialization.JsonSerializable(typeof(IReadOnlyList<Silence>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(IReadOnlyList<DeadLetter>))]
internal sealed partial class NotificationsApiJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
