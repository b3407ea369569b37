using FunctionsApp.Incidents;
using static FunctionsApp.Engine.Tests.Incidents.EngineTestKit;

namespace FunctionsApp.Engine.Tests.Incidents;

/// <summary>
/// nginx's connection number (<c>$connection</c>, <c>*N</c> in the error log) names a connection, not a request: one
/// keep-alive connection from a load balancer carries requests to every host. A request claims an error line of its
/// connection only when the host, the upstream tried and the status fit it too.
/// </summary>
public sealed class KeepAliveJoinTests
{
    private const string Refused = "connect() failed (111: Connection refused) while connecting to upstream";

    [Fact]
    public void Analyze_OneKeepAliveConnectionForTwoHosts_EachFailureKeepsItsOwnCause()
    {
        var access = new List<string>();
        var errors = new List<string>();
        for (var s = 0; s < 60; s += 2)
        {
            access.Add(Access(s, 200, upstream: "10.0.0.1:8080", host: "shop.test", cid: 7));
            access.Add(Access(s + 1, 200, upstream: "10.0.0.2:8080", host: "app.test", cid: 7));
        }

        for (var s = 100; s < 120; s++)
        {
            // app.test's upstream is down: nginx refused, logged, answered 502.
            errors.Add(Error(s, Refused, upstream: "10.0.0.2:8080", host: "app.test", cid: 7));
            access.Add(Access(s, 502, upstream: "10.0.0.2:8080", host: "app.test", cid: 7, connect: "-", header: "-"));

            // shop.test's upstream answers 503 itself (headers received), on the same connection, with no error line.
            access.Add(Access(s, 503, upstream: "10.0.0.1:8080", host: "shop.test", cid: 7));
        }

        var report = Analyze(access, errors);

        Assert.Equal(
            [("10.0.0.1:8080", "shop.test", IncidentCause.UpstreamReturned, 20), ("10.0.0.2:8080", "app.test", IncidentCause.UpstreamDown, 20)],
            report.Incidents.Select(i => (i.Upstream, i.Host, i.Cause, i.FailedRequests)).Order());
    }
}
