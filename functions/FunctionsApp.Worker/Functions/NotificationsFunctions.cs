using FunctionsApp.Notifications;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace FunctionsApp.Worker.Functions;

/// <summary>Acknowledgements, silences and dead letters (<see cref="NotificationsApi"/>).</summary>
internal sealed class NotificationsFunctions(HandlerInvoker handlers)
{
    [Function("incident-ack")]
    public IResult Acknowledge([HttpTrigger(AuthorizationLevel.Function, "post", Route = "incidents/{id}/ack")] HttpRequest request) =>
        handlers.Invoke(NotificationsApi.AcknowledgeAsync);

    [Function("silences")]
    public IResult Silences([HttpTrigger(AuthorizationLevel.Function, "get", "post", Route = "silences")] HttpRequest request) =>
        HttpMethods.IsPost(request.Method)
            ? handlers.Invoke(NotificationsApi.AddSilenceAsync)
            : handlers.Invoke(NotificationsApi.ListSilencesAsync);

    [Function("dead-letters")]
    public IResult DeadLetters([HttpTrigger(AuthorizationLevel.Function, "get", Route = "notifications/dead-letters")] HttpRequest request) =>
        handlers.Invoke(NotificationsApi.ListDeadLettersAsync);

    [Function("dead-letter-requeue")]
    public IResult Requeue([HttpTrigger(AuthorizationLevel.Function, "post", Route = "notifications/dead-letters/{key}/requeue")] HttpRequest request) =>
        handlers.Invoke(NotificationsApi.RequeueAsync);
}
