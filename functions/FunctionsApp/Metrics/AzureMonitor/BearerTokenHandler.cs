using System.Net.Http.Headers;
using Azure.Core;

namespace FunctionsApp.Metrics.AzureMonitor;

/// <summary>
/// Adds <c>Authorization: Bearer</c> from an Azure.Identity credential for one scope. Refuses plain HTTP so a
/// misconfigured endpoint can never receive a token in clear. Tokens are reused until five minutes before expiry.
/// The credential is resolved on first use, so an app without metrics mappings needs none.
/// </summary>
internal sealed class BearerTokenHandler(Lazy<TokenCredential> credential, string scope, TimeProvider timeProvider) : DelegatingHandler
{
    public BearerTokenHandler(TokenCredential credential, string scope, TimeProvider timeProvider)
        : this(new Lazy<TokenCredential>(credential), scope, timeProvider)
    {
    }

    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private AccessToken _token;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is not { Scheme: "https" })
        {
            throw new InvalidOperationException($"Refusing to send a bearer token over '{request.RequestUri?.Scheme}': only https is allowed.");
        }

        var token = await GetTokenAsync(cancellationToken).ConfigureAwait(false);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private async Task<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (IsFresh(_token))
        {
            return _token.Token;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!IsFresh(_token))
            {
                _token = await credential.Value.GetTokenAsync(new TokenRequestContext([scope]), cancellationToken).ConfigureAwait(false);
            }

            return _token.Token;
        }
        finally
        {
            _gate.Release();
        }
    }

    private bool IsFresh(AccessToken token) =>
        token.Token is not null && token.ExpiresOn - RefreshMargin > timeProvider.GetUtcNow();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _gate.Dispose();
        }

        base.Dispose(disposing);
    }
}
