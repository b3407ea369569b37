using Azure.Core;
using FunctionsApp.Metrics.AzureMonitor;
using Microsoft.Extensions.Time.Testing;

namespace FunctionsApp.Tests.Metrics;

public sealed class BearerTokenHandlerTests
{
    [Fact]
    public async Task SendAsync_PlainHttp_RefusesWithoutAskingForAToken()
    {
        var credential = new CountingCredential();
        using var invoker = new HttpMessageInvoker(new BearerTokenHandler(credential, "scope/.default", new FakeTimeProvider()) { InnerHandler = new OkHandler() });

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1/metrics"), CancellationToken.None));
        Assert.Equal(0, credential.Calls);
    }

    [Fact]
    public async Task SendAsync_TokenReusedUntilNearExpiry()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 5, 0, 0, TimeSpan.Zero));
        var credential = new CountingCredential { Expiry = time.GetUtcNow().AddHours(1) };
        var inner = new OkHandler();
        using var invoker = new HttpMessageInvoker(new BearerTokenHandler(credential, "scope/.default", time) { InnerHandler = inner });

        await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "https://127.0.0.1/a"), CancellationToken.None);
        await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "https://127.0.0.1/b"), CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(56));
        await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "https://127.0.0.1/c"), CancellationToken.None);

        Assert.Equal(2, credential.Calls);
        Assert.Equal("Bearer token-2-scope/.default", inner.LastAuthorization);
    }

    private sealed class CountingCredential : TokenCredential
    {
        public int Calls { get; private set; }

        public DateTimeOffset Expiry { get; init; } = DateTimeOffset.MaxValue;

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new($"token-{++Calls}-{requestContext.Scopes[0]}", Expiry);

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    private sealed class OkHandler : HttpMessageHandler
    {
        public string? LastAuthorization { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            LastAuthorization = request.Headers.Authorization?.ToString();
            return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK));
        }
    }
}
