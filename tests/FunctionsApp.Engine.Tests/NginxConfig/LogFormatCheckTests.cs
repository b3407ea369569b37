using FunctionsApp.NginxConfig;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.Engine.Tests.NginxConfig;

public sealed class LogFormatCheckTests
{
    public static TheoryData<string, string?> Formats() => new()
    {
        { LogFormatCheck.Combined, null },
        { "$remote_addr [$time_local] \"$request\" $status rt=$request_time ua=\"$upstream_addr\"", null },
        { "{\"time\":\"$time_iso8601\",\"status\":\"$status\",\"request\":\"$request\"}", "json" },
    };

    [Theory]
    [MemberData(nameof(Formats))]
    public void Suggest_AddsEveryMissingVariable_AndTheEngineReadsTheResult(string format, string? escape)
    {
        var directive = LogFormatCheck.Suggest("diag", format, escape);

        Assert.StartsWith("log_format diag ", directive, StringComparison.Ordinal);
        Assert.Empty(LogFormatCheck.Missing(directive));
        Assert.True(AccessLogFormat.TryCompile(directive, out var compiled, out var error), error);
        foreach (var field in new[] { AccessField.Host, AccessField.UpstreamAddr, AccessField.UpstreamStatus, AccessField.UpstreamConnectTime,
            AccessField.UpstreamHeaderTime, AccessField.UpstreamResponseTime, AccessField.RequestId, AccessField.RequestTime, AccessField.Status })
        {
            Assert.True(compiled.Has(field), $"{field} not read from {directive}");
        }

        // The suggestion parses as nginx configuration too.
        Assert.True(NginxConfigParser.ParseText("http {\n" + directive + "\n}\n").Succeeded);
    }

    [Fact]
    public void Missing_KnowsWhatEachVariableIsFor()
    {
        var missing = LogFormatCheck.Missing("$host $status $upstream_addr ${upstream_status}");

        Assert.Equal(["request_time", "upstream_connect_time", "upstream_header_time", "upstream_response_time", "request_id"], missing.Select(m => m.Variable));
        Assert.All(missing, m => Assert.False(string.IsNullOrWhiteSpace(m.Loss)));
    }
}
