using FunctionsApp.Incidents;

namespace FunctionsApp.Engine.Tests.Incidents;

public sealed class IncidentClassifierTests
{
    private static IncidentEvidence Evidence(FailureKind kind, int count = 10, long servedBefore = 0, long servedInside = 0, int secondsWithSuccess = 0) => new()
    {
        Upstream = "10.0.0.1:80",
        Kinds = new Dictionary<FailureKind, int> { [kind] = count },
        Statuses = new Dictionary<int, int> { [502] = count },
        FailedRequests = count,
        ServedBefore = servedBefore,
        ServedInside = servedInside,
        SecondsWithSuccess = secondsWithSuccess,
        Duration = TimeSpan.FromSeconds(30),
        HistoryIsPerUpstream = true,
        ErrorLogCovered = true,
    };

    public static TheoryData<string, IncidentCause> KindToCause => new()
    {
        { "TimedOut", IncidentCause.Timeout },
        { "ResourceUnavailable", IncidentCause.Overload },
        { "DnsNotFound", IncidentCause.Dns },
        { "DnsTimeout", IncidentCause.Dns },
        { "TlsHandshake", IncidentCause.TlsHandshake },
        { "TlsVerify", IncidentCause.TlsHandshake },
        { "InvalidHeader", IncidentCause.InvalidResponse },
        { "PrematureClose", IncidentCause.InvalidResponse },
        { "Reset", IncidentCause.InvalidResponse },
        { "TooBigHeader", IncidentCause.Misconfiguration },
        { "PermissionDenied", IncidentCause.Misconfiguration },
        { "NoResolver", IncidentCause.Misconfiguration },
        { "RateLimitRequests", IncidentCause.RateLimited },
        { "RateLimitConnections", IncidentCause.RateLimited },
        { "OtherUpstream", IncidentCause.Unknown },
    };

    [Theory]
    [MemberData(nameof(KindToCause))]
    public void Classify_SingleKind_GivesItsCause(string kind, IncidentCause cause)
    {
        var verdict = IncidentClassifier.Classify(Evidence(Enum.Parse<FailureKind>(kind)));
        Assert.Equal(cause, verdict.Cause);
        Assert.InRange(verdict.Confidence, 0, 1);
        Assert.False(string.IsNullOrWhiteSpace(verdict.Summary));
    }

    [Fact]
    public void Classify_RefusedAfterServing_IsUpstreamDown() =>
        Assert.Equal(IncidentCause.UpstreamDown, IncidentClassifier.Classify(Evidence(FailureKind.Refused, servedBefore: 120)).Cause);

    [Fact]
    public void Classify_RefusedSinceTheLogsBegin_IsUpstreamDownWithLowerConfidence()
    {
        var verdict = IncidentClassifier.Classify(Evidence(FailureKind.Refused) with { SiteObservedBeforeFirstSeen = TimeSpan.FromSeconds(5), SiteServedBeforeFirstSeen = 3 });
        var served = IncidentClassifier.Classify(Evidence(FailureKind.Refused, servedBefore: 120));

        Assert.Equal(IncidentCause.UpstreamDown, verdict.Cause);
        Assert.True(verdict.Confidence < served.Confidence);
        Assert.Contains("wrong address or port", verdict.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_RefusedFromItsFirstRequestAfterALongHealthyHistory_IsMisconfiguration()
    {
        var evidence = Evidence(FailureKind.Refused) with { SiteObservedBeforeFirstSeen = TimeSpan.FromMinutes(10), SiteServedBeforeFirstSeen = 4000 };
        Assert.Equal(IncidentCause.Misconfiguration, IncidentClassifier.Classify(evidence).Cause);
    }

    [Fact]
    public void Classify_RefusedWithSuccessesInterleavedButNoSlowdown_IsUpstreamDown() =>
        Assert.Equal(IncidentCause.UpstreamDown, IncidentClassifier.Classify(Evidence(FailureKind.Refused, servedBefore: 500, servedInside: 40, secondsWithSuccess: 20)).Cause);

    [Fact]
    public void Classify_RefusedInterleavedAfterResponseTimesRose_IsOverload()
    {
        var evidence = Evidence(FailureKind.Refused, servedBefore: 500, servedInside: 40, secondsWithSuccess: 20) with { ResponseMillisBefore = 2400, ResponseMillisBaseline = 80 };
        Assert.Equal(IncidentCause.Overload, IncidentClassifier.Classify(evidence).Cause);
    }

    [Fact]
    public void Classify_ResetsWhileSuccessesInterleave_IsOverload() =>
        Assert.Equal(IncidentCause.Overload, IncidentClassifier.Classify(Evidence(FailureKind.Reset, servedBefore: 500, servedInside: 60, secondsWithSuccess: 25)).Cause);

    [Theory]
    [InlineData("PrematureClose")]
    [InlineData("Reset")]
    public void Classify_WorkerKilledAtTheSameTimeOnEveryRequest_IsTimeoutNamingTheAppServerLimit(string kind)
    {
        var evidence = Evidence(Enum.Parse<FailureKind>(kind)) with { ResponseTimes = [30.004, 30.012, 30.9, 30.3, 30.001, 0.002] };

        var verdict = IncidentClassifier.Classify(evidence);

        Assert.Equal(IncidentCause.Timeout, verdict.Cause);
        Assert.Contains("30 s", verdict.Summary, StringComparison.Ordinal);
        Assert.Contains(Remediation.For(verdict.Cause, evidence), r => r.Contains("harakiri", StringComparison.Ordinal));
    }

    [Fact]
    public void Classify_ClosedAtScatteredTimes_StaysInvalidResponse() =>
        Assert.Equal(IncidentCause.InvalidResponse, IncidentClassifier.Classify(Evidence(FailureKind.PrematureClose) with { ResponseTimes = [0.01, 2.5, 7.9, 12.0, 0.3] }).Cause);

    [Theory]
    [InlineData(264, 205)] // resets first, then the connects that timed out meanwhile
    [InlineData(172, 295)]
    [InlineData(30, 4)]
    public void Classify_ConnectTimeoutsBesideResets_IsAFullListenQueue(int resets, int connectTimeouts)
    {
        // The kernel drops connections a full accept queue has no room for (nginx times out connecting) and resets
        // those it could not queue once nginx sends on them: saturation, whichever of the two is more frequent.
        var evidence = Evidence(FailureKind.Reset, resets) with
        {
            Kinds = new Dictionary<FailureKind, int> { [FailureKind.Reset] = resets, [FailureKind.TimedOutConnecting] = connectTimeouts },
            Statuses = new Dictionary<int, int> { [502] = resets, [504] = connectTimeouts },
            FailedRequests = resets + connectTimeouts,
        };

        var verdict = IncidentClassifier.Classify(evidence);

        Assert.Equal(IncidentCause.Overload, verdict.Cause);
        Assert.Contains("listen queue", verdict.Summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("TimedOutConnecting", 100, "Reset", 2, IncidentCause.Timeout)] // a stray reset says nothing of a queue
    [InlineData("TimedOutConnecting", 6, "Unreachable", 3, IncidentCause.UpstreamDown)] // one host gone: unreachable, or no answer
    [InlineData("TimedOutConnecting", 800, "Unreachable", 607, IncidentCause.UpstreamDown)]
    [InlineData("TimedOutConnecting", 100, "Unreachable", 2, IncidentCause.Timeout)]
    public void Classify_ConnectTimeoutsBesideAnotherConnectFailure_FollowWhatTheOtherSays(string first, int firstCount, string second, int secondCount, IncidentCause expected)
    {
        var evidence = Evidence(Enum.Parse<FailureKind>(first), firstCount + secondCount, servedBefore: 300) with
        {
            Kinds = new Dictionary<FailureKind, int> { [Enum.Parse<FailureKind>(first)] = firstCount, [Enum.Parse<FailureKind>(second)] = secondCount },
        };

        Assert.Equal(expected, IncidentClassifier.Classify(evidence).Cause);
    }

    [Theory]
    [InlineData(0, 0, IncidentCause.TlsHandshake)] // no request through: the port does not speak TLS (https:// to plain HTTP)
    [InlineData(40, 0, IncidentCause.Timeout)] // others served meanwhile: a slow server, not a protocol mismatch
    [InlineData(0, 12, IncidentCause.Timeout)] // others through the handshake, then timed out reading: a hung server
    public void Classify_HandshakesThatTimeOut_AreAServerThatDoesNotSpeakTlsUnlessItServesOrHangsOthers(int servedInside, int readTimeouts, IncidentCause expected)
    {
        var kinds = new Dictionary<FailureKind, int> { [FailureKind.TimedOutHandshaking] = 40 };
        if (readTimeouts > 0)
        {
            kinds[FailureKind.TimedOut] = readTimeouts;
        }

        var evidence = Evidence(FailureKind.TimedOutHandshaking, 40, servedBefore: 900, servedInside: servedInside, secondsWithSuccess: servedInside > 0 ? 20 : 0) with { Kinds = kinds };

        var verdict = IncidentClassifier.Classify(evidence);

        Assert.Equal(expected, verdict.Cause);
        Assert.Equal(expected == IncidentCause.TlsHandshake, verdict.Summary.Contains("does not speak TLS", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(250.0, null, 1800.0, IncidentCause.Overload)] // answered 7 times slower meanwhile: the workers busy, the queue full
    [InlineData(250.0, null, 300.0, IncidentCause.Timeout)] // answered as fast as ever: packets lost on the way, not saturation
    [InlineData(null, null, 1800.0, IncidentCause.Timeout)] // nothing says what it usually took
    [InlineData(null, 1.0, 1346.0, IncidentCause.Overload)] // logs that begin seconds before: its last requests took 1 ms
    public void Classify_ConnectTimeoutsWhileTheServerAnswersOthers_AreAFullAcceptQueueWhenItSlowed(double? usualMillis, double? typicalMillis, double insideMillis, IncidentCause expected)
    {
        // gunicorn's one sync worker behind a backlog of 4: the kernel drops SYNs while the queue is full, so nginx's
        // connects time out, and what the worker takes from the queue is answered late.
        var evidence = Evidence(FailureKind.TimedOutConnecting, 117, servedBefore: 300, servedInside: 75, secondsWithSuccess: 30) with
        {
            ResponseMillisUsual = usualMillis,
            ResponseMillisTypical = typicalMillis,
            ResponseMillisInside = insideMillis,
        };

        var verdict = IncidentClassifier.Classify(evidence);

        Assert.Equal(expected, verdict.Cause);
        Assert.Equal(expected == IncidentCause.Overload, verdict.Summary.Contains("accept queue is full", StringComparison.Ordinal));
    }

    [Fact]
    public void TypicalMillis_AQueueBuildingJustBeforeTheFailure_DoesNotMoveIt()
    {
        // uWSGI with --listen 1: nine requests at a millisecond or two, then four answered late as its queue filled.
        var history = new UpstreamHistory();
        var start = new DateTimeOffset(2026, 12, 3, 7, 31, 16, TimeSpan.Zero);
        double[] seconds = [0.002, 0.001, 0.001, 0.001, 0.001, 0.000, 0.001, 0.001, 0.003, 0.701, 0.565, 1.213, 1.254];
        for (var i = 0; i < seconds.Length; i++)
        {
            history.RecordServed(start.AddSeconds(i), 200, seconds[i]);
        }

        Assert.Equal(1, history.TypicalMillis());
        Assert.True(history.MeanResponseMillis(start.AddMinutes(-5), start.AddSeconds(13)) > 200);
    }

    [Theory]
    [InlineData(80, IncidentCause.Overload)] // 15 times slower than the minutes before: shedding what it cannot take
    [InlineData(900, IncidentCause.InvalidResponse)] // as fast as before: idle keep-alive connections it had closed
    public void Classify_ResetsAtOnceBesideSuccesses_AreSaturationWhenTheSuccessesSlowed(double usualMillis, IncidentCause expected)
    {
        // A server at its connection cap (Node's maxConnections) resets the connections over it at once, and serves the
        // others slower. "Before" includes the incident's own first minute, where the slowdown began: the whole minutes
        // before it say what the server usually took.
        var evidence = Evidence(FailureKind.Reset, 20, servedBefore: 300, servedInside: 40, secondsWithSuccess: 20) with
        {
            ResponseTimes = [.. Enumerable.Repeat(0.001, 20)],
            ResponseMillisInside = 1220,
            ResponseMillisBefore = 500,
            ResponseMillisUsual = usualMillis,
        };

        Assert.Equal(expected, IncidentClassifier.Classify(evidence).Cause);
    }

    [Fact]
    public void Classify_SlowerBeforeRefusals_IsOverload()
    {
        var evidence = Evidence(FailureKind.Reset, servedBefore: 500) with { ResponseMillisBefore = 2400, ResponseMillisBaseline = 80 };
        Assert.Equal(IncidentCause.Overload, IncidentClassifier.Classify(evidence).Cause);
    }

    [Fact]
    public void Classify_MixedKinds_DominantWinsWithLowerConfidence()
    {
        var pure = IncidentClassifier.Classify(Evidence(FailureKind.TimedOut));
        var mixed = IncidentClassifier.Classify(Evidence(FailureKind.TimedOut) with
        {
            Kinds = new Dictionary<FailureKind, int> { [FailureKind.TimedOut] = 8, [FailureKind.PrematureClose] = 4 },
        });

        Assert.Equal(IncidentCause.Timeout, mixed.Cause);
        Assert.True(mixed.Confidence < pure.Confidence);
    }

    [Fact]
    public void Classify_NoErrorLinesUpstreamAnswered_IsUpstreamReturned()
    {
        var evidence = new IncidentEvidence
        {
            Upstream = "10.0.0.1:80",
            Statuses = new Dictionary<int, int> { [503] = 10 },
            FailedRequests = 10,
            WithoutErrorLine = 10,
            UpstreamAnswered = 10,
            ErrorLogCovered = true,
        };
        Assert.Equal(IncidentCause.UpstreamReturned, IncidentClassifier.Classify(evidence).Cause);
    }

    [Fact]
    public void Classify_Nothing_IsUnknown() =>
        Assert.Equal(IncidentCause.Unknown, IncidentClassifier.Classify(new IncidentEvidence { Upstream = "x", FailedRequests = 3, WithoutErrorLine = 3 }).Cause);

    [Fact]
    public void RemediationFor_EveryCause_HasSteps()
    {
        foreach (var cause in Enum.GetValues<IncidentCause>())
        {
            Assert.NotEmpty(Remediation.For(cause, "10.0.0.1:80", []));
        }
    }

    [Theory]
    [InlineData("app_backend", "the `upstream app_backend {}` block")]
    [InlineData("localhost", "the addresses `localhost` resolves to in `proxy_pass`")]
    [InlineData("api.internal", "the addresses `api.internal` resolves to in `proxy_pass`")]
    public void RemediationFor_AGroupDown_SaysWhereTheGroupComesFrom(string group, string origin) =>
        Assert.Contains(Remediation.For(IncidentCause.UpstreamDown, group, [FailureKind.NoLiveUpstreams], upstreamIsGroup: true), r => r.Contains(origin, StringComparison.Ordinal));
}
