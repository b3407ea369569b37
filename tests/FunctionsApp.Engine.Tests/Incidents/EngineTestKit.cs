using System.Text;
using System.Text.Json;
using FunctionsApp.Incidents;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.Engine.Tests.Incidents;

/// <summary>Runs the engine over in-memory logs the way the analyze command does.</summary>
internal static class EngineTestKit
{
    public const string UpstreamFormat =
        "$remote_addr [$time_local] \"$request\" $status $host cid=$connection ua=\"$upstream_addr\" us=\"$upstream_status\" uct=\"$upstream_connect_time\" uht=\"$upstream_header_time\" rt=$request_time";

    public static AnalysisReport Analyze(IEnumerable<string> access, IEnumerable<string>? errors = null, string? format = UpstreamFormat, DiagnosisOptions? options = null)
    {
        AccessLogFormat? compiled = null;
        if (format is not null)
        {
            Assert.True(AccessLogFormat.TryCompile(format, out compiled, out var error), error);
        }

        return LogAnalyzer.Analyze([Input("access", access)], errors is null ? [] : [Input("error", errors)], compiled, options ?? new DiagnosisOptions(), CancellationToken.None);
    }

    public static LogInput Input(string name, IEnumerable<string> lines)
    {
        var text = string.Join('\n', lines) + "\n";
        return new LogInput(name, () => new MemoryStream(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>An access line in <see cref="UpstreamFormat"/> at <paramref name="second"/> seconds after 10:00:00 UTC.</summary>
    public static string Access(int second, int status, string upstream = "10.0.0.1:8080", string upstreamStatus = "", string host = "api.test",
        int cid = 1, string connect = "0.001", string header = "0.010", string path = "/")
    {
        var time = new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero).AddSeconds(second);
        var us = upstreamStatus.Length > 0 ? upstreamStatus : status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return $"10.9.8.7 [{time:dd/MMM/yyyy:HH:mm:ss} +0000] \"GET {path} HTTP/1.1\" {status} {host} cid={cid} ua=\"{upstream}\" us=\"{us}\" uct=\"{connect}\" uht=\"{header}\" rt=0.012";
    }

    /// <summary>An error line at <paramref name="second"/> seconds after 10:00:00 (UTC, like the access lines).</summary>
    public static string Error(int second, string message, string upstream = "10.0.0.1:8080", string host = "api.test", int cid = 1, string path = "/")
    {
        var time = new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero).AddSeconds(second);
        return $"{time:yyyy/MM/dd HH:mm:ss} [error] 77#77: *{cid} {message}, client: 10.9.8.7, server: {host}, request: \"GET {path} HTTP/1.1\", upstream: \"http://{upstream}{path}\", host: \"{host}\"";
    }

    public static EngineState RoundTrip(EngineState state) =>
        JsonSerializer.Deserialize(JsonSerializer.Serialize(state, EngineStateJsonContext.Default.EngineState), EngineStateJsonContext.Default.EngineState)!;
}
