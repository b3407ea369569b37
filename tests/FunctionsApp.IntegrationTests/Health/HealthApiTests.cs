using System.Net;
using System.Text.Json;
using FunctionsApp.IntegrationTests.Infrastructure;

namespace FunctionsApp.IntegrationTests.Health;

[Collection(AzuriteCollection.Name)]
public sealed class HealthApiTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(azurite);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task GetHealth_WithoutKeyAndStorageUp_Is200WithVersionAndStorageReachable()
    {
        using var response = await _app.Anonymous.GetAsync("/api/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("healthy", json.RootElement.GetProperty("status").GetString());
        Assert.Equal("0.1.0", json.RootElement.GetProperty("version").GetString());
        Assert.Equal("standalone", json.RootElement.GetProperty("mode").GetString());
        Assert.True(json.RootElement.GetProperty("storage").GetProperty("reachable").GetBoolean());
    }

    [Fact]
    public async Task GetHealth_StartedWithoutStorage_Is503()
    {
        // Azurite never started: its port has nothing listening.
        var neverStarted = new AzuriteFixture();
        await using var app = await TestApp.StartAsync(neverStarted, storageUp: false);

        using var response = await app.Anonymous.GetAsync("/api/health");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.False(json.RootElement.GetProperty("storage").GetProperty("reachable").GetBoolean());
    }
}
