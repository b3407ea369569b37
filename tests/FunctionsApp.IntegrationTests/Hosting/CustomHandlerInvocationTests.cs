using System.Net;
using System.Text;
using System.Text.Json;
using FunctionsApp.Hosting;
using FunctionsApp.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FunctionsApp.IntegrationTests.Hosting;

/// <summary>
/// The app as the Functions host sees it (FUNCTIONS_CUSTOMHANDLER_PORT set): HTTP triggers forwarded as-is (the host
/// has already checked the key), timers invoked with POST /&lt;Name&gt; and the documented payload.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class CustomHandlerInvocationTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly RecordingTimerFunction _timer = new();
    private readonly HeldPort _held = HeldPort.Shareable();
    private TestApp _app = null!;

    public async Task InitializeAsync() =>
        _app = await TestApp.StartAsync(
            azurite,
            new Dictionary<string, string?> { [AppHost.CustomHandlerPortVariable] = _held.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            services => services.AddSingleton<ITimerFunction>(_timer));

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _held.Dispose();
    }

    [Fact]
    public void Start_WithCustomHandlerPort_ListensOnThatPortOnLoopback()
    {
        Assert.Equal(new Uri($"http://127.0.0.1:{_held.Port}"), _app.BaseAddress);
    }

    [Fact]
    public async Task ForwardedIngest_WithoutKey_IsAcceptedBecauseTheHostChecksKeys()
    {
        using var response = await _app.Anonymous.PostAsync("/api/ingest/nginx-access?kind=access", Bodies.Content("line\n"u8.ToArray(), null));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task ForwardedHealth_ReportsCustomHandlerMode()
    {
        using var response = await _app.Anonymous.GetAsync("/api/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("custom-handler", json.RootElement.GetProperty("mode").GetString());
        Assert.True(json.RootElement.GetProperty("storage").GetProperty("reachable").GetBoolean());
    }

    [Theory]
    [InlineData("object")]
    [InlineData("string")]
    public async Task TimerInvocation_DocumentedPayload_RunsTheFunctionAndAnswersInvocationResponse(string timerForm)
    {
        const string timer = "{\"Schedule\":{\"AdjustForDST\":true},\"ScheduleStatus\":{\"Last\":\"2026-11-24T04:55:00+00:00\",\"Next\":\"2026-11-24T05:05:00+00:00\",\"LastUpdated\":\"2026-11-24T04:55:00+00:00\"},\"IsPastDue\":true}";
        var data = timerForm == "object" ? timer : JsonSerializer.Serialize(timer);
        var payload = $"{{\"Data\":{{\"timer\":{data}}},\"Metadata\":{{\"sys\":{{\"MethodName\":\"testtimer\",\"UtcNow\":\"2026-11-24T05:00:00.1234567Z\",\"RandGuid\":\"0f8fad5b-d9cb-469f-a165-70867728950e\"}}}}}}";

        using var response = await _app.Anonymous.PostAsync("/testtimer", new StringContent(payload, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertInvocationResponse(await response.Content.ReadAsStringAsync());
        var info = Assert.Single(_timer.Invocations);
        Assert.True(info.IsPastDue);
        Assert.True(info.Schedule?.AdjustForDST);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 5, 5, 0, TimeSpan.Zero), info.ScheduleStatus?.Next);
    }

    [Fact]
    public async Task TimerInvocation_FunctionThrows_Answers500InvocationResponseWithoutTheExceptionMessage()
    {
        _timer.Fail = true;

        using var response = await _app.Anonymous.PostAsync(
            "/testtimer", new StringContent("{\"Data\":{\"timer\":{\"IsPastDue\":false}},\"Metadata\":{}}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        AssertInvocationResponse(body);
        Assert.DoesNotContain("secret", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TimerInvocation_WithoutTimerData_Is400Problem()
    {
        using var response = await _app.Anonymous.PostAsync("/testtimer", new StringContent("{\"Data\":{},\"Metadata\":{}}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("urn:nginx-502-diagnostics:problem:invalid-invocation", (await ProblemBody.ReadAsync(response)).Type);
        Assert.Empty(_timer.Invocations);
    }

    [Fact]
    public async Task TimerInvocation_UnregisteredName_Is404()
    {
        using var response = await _app.Anonymous.PostAsync("/nosuchtimer", new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    internal static void AssertInvocationResponse(string body)
    {
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        Assert.Equal(JsonValueKind.Object, root.GetProperty("Outputs").ValueKind);
        Assert.Equal(JsonValueKind.Array, root.GetProperty("Logs").ValueKind);
        Assert.All(root.GetProperty("Logs").EnumerateArray(), l => Assert.Equal(JsonValueKind.String, l.ValueKind));
        Assert.True(root.TryGetProperty("ReturnValue", out _));
    }
}
