using System.Collections.Concurrent;
using Azure.Core;

namespace FunctionsApp.IntegrationTests.Metrics;

/// <summary>Issues <c>test-token:{scope}</c> so a test can tell which scope a request was authorized for.</summary>
internal sealed class TestTokenCredential : TokenCredential
{
    public ConcurrentQueue<string> Scopes { get; } = new();

    public static string TokenFor(string scope) => "test-token:" + scope;

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        var scope = string.Join(' ', requestContext.Scopes);
        Scopes.Enqueue(scope);
        return new AccessToken(TokenFor(scope), TimeProvider.System.GetUtcNow().AddHours(1));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}
