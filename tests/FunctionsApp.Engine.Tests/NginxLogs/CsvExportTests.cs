using System.Text;
using FunctionsApp.Incidents;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.Engine.Tests.NginxLogs;

public sealed class CsvExportTests
{
    private const string Access =
        "203.0.113.54 - - [01/Dec/2026:09:58:00 +0000] \"GET /products/42 HTTP/1.1\" 502 157 \"-\" \"okhttp/4.12.0\"";

    private const string Error =
        "2026/12/01 11:00:00 [error] 902#902: *1313 connect() failed (111: Connection refused) while connecting to upstream, client: 203.0.113.12, server: gl.example.de, request: \"GET /search?q=a,b HTTP/1.1\", upstream: \"http://10.0.0.79:8080/search?q=a,b\", host: \"gl.example.de\"";

    private static byte[][] Lines(params string[] lines) => [.. lines.Select(Encoding.UTF8.GetBytes)];

    private static string Quoted(string field) => "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    [Fact]
    public void TryUnwrap_LogAnalyticsExport_ReadsRawDataAndTheUtcTimeColumn()
    {
        const string Header = "TenantId,SourceSystem,TimeGenerated [UTC],Computer,RawData,FilePath,Type,_ResourceId";
        var row = $"3f1c7e2a,OpsManager,\"12/1/2026, 9:58:30.134 AM\",vm-web-01,{Quoted(Access)},/var/log/nginx/access.log,NginxAccess_CL,/subscriptions/0000/rg";

        var csv = CsvExport.Detect(Lines(Header, row, row));

        Assert.NotNull(csv);
        Assert.Equal("csv:RawData", csv.Name);
        Assert.True(csv.IsHeader(Encoding.UTF8.GetBytes(Header + "\r")));
        Assert.True(csv.TryUnwrap(Encoding.UTF8.GetBytes(row), out var inner, out var time));
        Assert.Equal(Access, Encoding.UTF8.GetString(inner));
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 9, 58, 30, 134, TimeSpan.Zero), time);
    }

    [Theory]
    [InlineData("\"timestamp\",\"source\",\"message\"", "\"2026-12-01T10:00:00.024Z\",\"web-9\",LINE", "csv:message", "Graylog")]
    [InlineData("_time,host,_raw", "2026-12-01T11:00:00.024+01:00,web-9,LINE", "csv:_raw", "Splunk")]
    [InlineData("@timestamp,@message,@logStream,@log", "2026-12-01T10:00:00.024Z,LINE,i-0abc/nginx,123456789012:/nginx/error", "csv:@message", "CloudWatch Logs Insights")]
    [InlineData("\"TimeGenerated [UTC]\",Computer,PodName,LogMessage,LogSource", "\"12/1/2026, 10:00:00.024 AM\",aks-node-1,web-7d9f,LINE,stderr", "csv:LogMessage", "Log Analytics (ContainerLogV2)")]
    [InlineData("@timestamp,host.name,event.original", "2026-12-01T10:00:00.024Z,web-9,LINE", "csv:event.original", "Kibana (ECS)")]
    public void TryUnwrap_SearchExports_ReadTheLineColumnWithCommasAndQuotesAndTheZonedTime(string header, string row, string name, string source)
    {
        row = row.Replace("LINE", Quoted(Error), StringComparison.Ordinal);

        var csv = CsvExport.Detect(Lines(header, row));

        Assert.True(name == csv?.Name, $"{source}: found {csv?.Name ?? "none"}");
        Assert.NotNull(csv);
        Assert.True(csv.TryUnwrap(Encoding.UTF8.GetBytes(row), out var inner, out var time));
        Assert.Equal(Error, Encoding.UTF8.GetString(inner));
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 10, 0, 0, 24, TimeSpan.Zero), time);
    }

    [Theory]
    [InlineData("203.0.113.5,2026-12-01T10:00:00+00:00,\"GET / HTTP/1.1\",502,0.001,\"10.0.0.2:80\"")] // an nginx CSV log_format
    [InlineData("10.0.0.1 - - [01/Dec/2026:10:00:00 +0000] \"GET /message,log HTTP/1.1\" 502 0 \"-\" \"-\"")]
    [InlineData("id,level,count")] // a header without a line column
    public void Detect_NginxLinesOrHeaderWithoutLineColumn_IsNone(string first) =>
        Assert.Null(CsvExport.Detect(Lines(first, Access, Access)));

    [Fact]
    public void Detect_RowsNotShapedLikeTheHeader_IsNone() =>
        Assert.Null(CsvExport.Detect(Lines("time,message", Access, Access, "x,y")));

    [Fact]
    public void Analyze_LogAnalyticsAccessAndGraylogErrorExports_JoinsThemAsTheLogs()
    {
        // Newest first, as both searches list by default; nginx in Berlin's local time, the exports' columns in UTC.
        var access = new List<string> { "TimeGenerated [UTC],Computer,RawData" };
        var errors = new List<string> { "\"timestamp\",\"source\",\"message\"" };
        foreach (var (at, line, error) in Burst(TimeSpan.FromHours(1)).Reverse())
        {
            access.Add($"\"{at.UtcDateTime:M/d/yyyy, h:mm:ss.fff tt}\",vm-web-01,{Quoted(line)}");
            errors.Add($"\"{at.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ}\",\"web-9\",{Quoted(error)}");
        }

        var report = LogAnalyzer.Analyze([Incidents.EngineTestKit.Input("access.csv", access)], [Incidents.EngineTestKit.Input("error.csv", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        Assert.Equal((10, 10, 0), (report.Stats.AccessLines, report.Stats.ErrorLines, report.Stats.MalformedLines));
        Assert.Equal(["csv:RawData", "csv:message"], report.Stats.Inputs.OrderBy(i => i.Kind, StringComparer.Ordinal).Select(i => i.Prefix));
        Assert.All(report.Stats.Inputs, input => Assert.True(input.NewestFirst));
        var incident = Assert.Single(report.Incidents);
        Assert.Equal(("10.0.0.79:8080", "gl.example.de", IncidentCause.UpstreamDown, 10), (incident.Upstream, incident.Host, incident.Cause, incident.FailedRequests));
        Assert.Equal("+01:00", report.Stats.ErrorLogUtcOffset);
    }

    [Fact]
    public void Analyze_ErrorExportAlone_ReadsNginxLocalTimesInTheZoneTheColumnImplies()
    {
        var errors = new List<string> { "_time,host,_raw" };
        errors.AddRange(Burst(TimeSpan.FromHours(-3.5)).Select(b => $"{b.At:yyyy-MM-ddTHH:mm:ss.fffzzz},web-9,{Quoted(b.Error)}"));

        var report = LogAnalyzer.Analyze([], [Incidents.EngineTestKit.Input("error.csv", errors)], null, new DiagnosisOptions(), CancellationToken.None);

        var incident = Assert.Single(report.Incidents);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero), incident.Start);
        Assert.Equal(("-03:30", "the times its lines were stamped with"), (report.Stats.ErrorLogUtcOffset, report.Stats.ErrorLogOffsetSource));
    }

    /// <summary>Ten refused requests from 10:00:00 UTC, as nginx writes them at <paramref name="offset"/>.</summary>
    private static IEnumerable<(DateTimeOffset At, string Access, string Error)> Burst(TimeSpan offset) =>
        Enumerable.Range(0, 10).Select(i =>
        {
            var at = new DateTimeOffset(2026, 12, 1, 10, 0, i, TimeSpan.Zero).ToOffset(offset);
            var access = $"203.0.113.{i} - - [{at:dd/MMM/yyyy:HH:mm:ss} {at:zzz}] \"GET /search HTTP/1.1\" 502 157 \"-\" \"curl/8.5.0\"".Replace(":00] ", "00] ", StringComparison.Ordinal).Replace(":30] ", "30] ", StringComparison.Ordinal);
            var error = $"{at:yyyy/MM/dd HH:mm:ss} [error] 902#902: *{i} connect() failed (111: Connection refused) while connecting to upstream, client: 203.0.113.{i}, server: gl.example.de, request: \"GET /search HTTP/1.1\", upstream: \"http://10.0.0.79:8080/search\", host: \"gl.example.de\"";
            return (at, access, error);
        });
}
