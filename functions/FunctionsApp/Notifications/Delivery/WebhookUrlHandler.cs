namespace FunctionsApp.Notifications.Delivery;

/// <summary>
/// Sends each request to the receiver URL carried in the request options. Webhook URLs are secrets with their own
/// paths and query strings (Teams Workflows signs them with <c>sig=</c>), so they are not given to Refit as a base
/// address or a route, and the HTTP client's default URI logging is removed for these clients.
/// </summary>
internal sealed class WebhookUrlHandler : DelegatingHandler
{
    public const string UrlKey = "webhook-url";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Options.TryGetValue(new HttpRequestOptionsKey<Uri>(UrlKey), out var url) || url.Scheme != Uri.UriSchemeHttps)
        {
            throw new InvalidOperationException("A webhook request needs an https receiver URL.");
        }

        request.RequestUri = url;
        return base.SendAsync(request, cancellationToken);
    }
}
