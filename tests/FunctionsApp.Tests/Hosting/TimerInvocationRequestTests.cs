using System.Text.Json;
using FunctionsApp.Hosting;

namespace FunctionsApp.Tests.Hosting;

public sealed class TimerInvocationRequestTests
{
    [Theory]
    [InlineData("{\"Data\":{\"timer\":{\"Schedule\":{\"AdjustForDST\":true},\"ScheduleStatus\":null,\"IsPastDue\":true}},\"Metadata\":{\"sys\":{\"MethodName\":\"t\"}}}")]
    [InlineData("{\"Data\":{\"timer\":\"{\\\"Schedule\\\":{\\\"AdjustForDST\\\":true},\\\"ScheduleStatus\\\":null,\\\"IsPastDue\\\":true}\"},\"Metadata\":{\"sys\":{\"MethodName\":\"t\"}}}")]
    public void Deserialize_HostPayload_ObjectOrStringTimer(string json)
    {
        var request = JsonSerializer.Deserialize(json, HostingJsonContext.Default.TimerInvocationRequest);

        Assert.True(request?.Data?.Timer?.IsPastDue);
        Assert.True(request?.Data?.Timer?.Schedule?.AdjustForDST);
        Assert.Equal("t", request?.Metadata?.Sys?.MethodName);
    }

    [Fact]
    public void Serialize_Response_UsesTheHostsPropertyNames()
    {
        var json = JsonSerializer.Serialize(new InvocationResponse(new Dictionary<string, string>(), ["done"], null), HostingJsonContext.Default.InvocationResponse);

        Assert.Equal("{\"Outputs\":{},\"Logs\":[\"done\"],\"ReturnValue\":null}", json);
    }
}
