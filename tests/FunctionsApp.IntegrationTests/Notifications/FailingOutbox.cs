using Azure;
using FunctionsApp.Notifications.Outbox;
using Microsoft.Extensions.DependencyInjection;

namespace FunctionsApp.IntegrationTests.Notifications;

/// <summary>The real Blob outbox, with the next N writes failing as Blob Storage does when it is unavailable (503).</summary>
internal sealed class FailingOutbox(INotificationOutbox inner) : INotificationOutbox
{
    public int FailNextAdds { get; set; }

    public static FailingOutbox Of(IServiceProvider services) => (FailingOutbox)services.GetRequiredService<INotificationOutbox>();

    public Task<bool> AddAsync(OutboxItem item, CancellationToken cancellationToken)
    {
        if (FailNextAdds > 0)
        {
            FailNextAdds--;
            throw new RequestFailedException(503, "The server is busy.", "ServerBusy", null);
        }

        return inner.AddAsync(item, cancellationToken);
    }

    public Task<IReadOnlyList<StoredOutboxItem>> ListAsync(CancellationToken cancellationToken) => inner.ListAsync(cancellationToken);

    public Task<StoredOutboxItem?> GetAsync(string idempotencyKey, CancellationToken cancellationToken) => inner.GetAsync(idempotencyKey, cancellationToken);

    public Task<StoredOutboxItem?> TryReplaceAsync(StoredOutboxItem current, OutboxItem next, CancellationToken cancellationToken) =>
        inner.TryReplaceAsync(current, next, cancellationToken);

    public Task<bool> TryDeleteAsync(StoredOutboxItem current, CancellationToken cancellationToken) => inner.TryDeleteAsync(current, cancellationToken);
}

internal static class FailingOutboxRegistration
{
    /// <summary>Wraps the app's own outbox registration.</summary>
    public static IServiceCollection Decorate(this IServiceCollection services)
    {
        var original = services.Single(d => d.ServiceType == typeof(INotificationOutbox));
        services.Remove(original);
        services.AddSingleton<INotificationOutbox>(sp => new FailingOutbox((INotificationOutbox)original.ImplementationFactory!(sp)));
        return services;
    }
}
