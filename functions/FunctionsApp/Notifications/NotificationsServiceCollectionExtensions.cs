using Azure.Storage.Blobs;
using FunctionsApp.Notifications.Delivery;
using FunctionsApp.Notifications.Outbox;
using FunctionsApp.Notifications.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Polly;
using Refit;

namespace FunctionsApp.Notifications;

public static class NotificationsServiceCollectionExtensions
{
    internal const string HttpClientName = "NotificationReceivers";

    /// <summary>Registers notification rendering and delivery (Slack, Teams, signed webhooks).</summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<NotificationsOptions>()
            .Bind(configuration.GetSection(NotificationsOptions.SectionName));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NotificationsOptions>, ValidateNotificationsOptions>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NotificationsOptions>, NotificationsOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        // POSTs are not retried here: one attempt with a timeout, and the durable outbox owns retries and backoff
        // (each retry carries the same Idempotency-Key). URI logging is removed because webhook URLs are secrets.
        services.AddHttpClient(HttpClientName, client => client.BaseAddress = new Uri("https://webhook.invalid/"))
            .RemoveAllLoggers()
            .AddHttpMessageHandler(() => new WebhookUrlHandler())
            .AddResilienceHandler("notifications", (pipeline, context) =>
                pipeline.AddTimeout(context.ServiceProvider.GetRequiredService<IOptions<NotificationsOptions>>().Value.SendTimeout));
        services.TryAddTransient(sp => Create<ISlackWebhookApi>(sp));
        services.TryAddTransient(sp => Create<ITeamsWebhookApi>(sp));
        services.TryAddTransient(sp => Create<IGenericWebhookApi>(sp));
        services.TryAddTransient<NotificationSender>();

        // The outbox lives in Blob Storage; the BlobServiceClient is registered once by the storage feature.
        services.TryAddSingleton<INotificationOutbox>(sp => new BlobNotificationOutbox(
            sp.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(sp.GetRequiredService<IOptions<NotificationsOptions>>().Value.OutboxContainer)));
        services.TryAddSingleton<IGrouperStateStore>(sp => new BlobGrouperStateStore(
            sp.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(sp.GetRequiredService<IOptions<NotificationsOptions>>().Value.OutboxContainer)));
        services.TryAddTransient(sp => new NotificationGrouper(sp.GetRequiredService<IOptions<NotificationsOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ReceiverRateLimiter>();
        services.TryAddTransient<OutboxDispatcher>();
        services.TryAddTransient<NotificationCycle>();
        return services;
    }

    private static T Create<T>(IServiceProvider services) =>
        RestService.ForGenerated<T>(services.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName), NotificationsJsonContext.Default);
}
