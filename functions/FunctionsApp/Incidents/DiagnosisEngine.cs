using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.Incidents;

/// <summary>
/// The streaming diagnosis engine. Feed it parsed access and error lines in roughly time order, call
/// <see cref="AdvanceTo"/> as time passes, and collect incidents. Successful requests only update
/// counters; failures wait in a short join window for their error lines; memory is bounded by the
/// window and the number of upstreams, not by the size of the logs. All state is in <see cref="State"/>.
/// </summary>
internal sealed class DiagnosisEngine
{
    private const char KeySeparator = '\u001f';
    private readonly DiagnosisOptions _options;
    private readonly Dictionary<string, UpstreamHistory>.AlternateLookup<ReadOnlySpan<char>> _history;
    private readonly List<Incident> _resolved = [];

    public DiagnosisEngine(DiagnosisOptions options, EngineState? state = null)
    {
        _options = options;
        State = state ?? new EngineState();
        if (State.History.Comparer != StringComparer.Ordinal)
        {
            State.History = new Dictionary<string, UpstreamHistory>(State.History, StringComparer.Ordinal);
        }

        _history = State.History.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public EngineState State { get; }

    public AnalysisStats Stats => State.Stats;

    /// <summary>The UTC offset to read error-log times with: configured, learned from the access log, or UTC.</summary>
    public TimeSpan ErrorLogOffset => _options.ErrorLogUtcOffset ?? State.ErrorLogOffset ?? TimeSpan.Zero;

    /// <summary>Counts an error-log line that continues the previous one (multi-line messages).</summary>
    public void AddContinuation()
    {
        Stats.ErrorLines++;
        Stats.ErrorLinesIgnored++;
    }

    /// <summary>Counts a line that did not parse, keeping the first few as examples.</summary>
    public void AddMalformed(ReadOnlySpan<byte> line, bool oversized)
    {
        Stats.MalformedLines++;
        if (Stats.MalformedSamples.Count < AnalysisStats.MaxMalformedSamples)
        {
            Stats.MalformedSamples.Add(oversized ? $"(line over {LineReader.DefaultMaxLineLength} bytes)" : LogText.Raw(line, 300));
        }
    }

    /// <summary>Takes one access-log line (its time already read); returns false and counts it malformed when it has no status.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool AddAccess(in AccessLogEntry entry, AccessLogFormat format, DateTimeOffset time)
    {
        var status = entry.Status;
        if (status == 0)
        {
            AddMalformed(entry.Line, oversized: false);
            return false;
        }

        Stats.AccessLines++;
        if (State.ErrorLogOffset is null && entry.TimeZoneOffset is { } offset)
        {
            State.ErrorLogOffset = offset;
        }

        if (State.AccessWatermark is null || time > State.AccessWatermark)
        {
            State.AccessWatermark = time;
        }

        var upstreams = entry.Get(AccessField.UpstreamAddr);
        var upstreamStatuses = entry.Get(AccessField.UpstreamStatus);
        var gateway = status is 502 or 503 or 504;
        var severalTries = upstreamStatuses.IndexOfAny((byte)',', (byte)':') >= 0;
        if (!gateway && !(severalTries && HasFailedTry(upstreamStatuses)))
        {
            // The hot path: one counter update, nothing allocated.
            RecordServed(in entry, format, upstreams, time);
            return true;
        }

        if (gateway)
        {
            Stats.GatewayErrors++;
        }

        var request = new PendingRequest
        {
            Time = time,
            Status = status,
            Client = entry.Text(AccessField.RemoteAddr),
            Request = entry.RequestLine,
            Host = UpstreamAddress.HostKey(entry.Has(AccessField.Host) ? entry.Text(AccessField.Host) : entry.Text(AccessField.ServerName)),
            ConnectionId = Utf8Parser.TryParse(entry.Get(AccessField.Connection), out long cid, out _) ? cid : -1,
            LogsUpstream = format.Has(AccessField.UpstreamAddr),
            LogsConnectTime = format.Has(AccessField.UpstreamConnectTime),
            LogsHeaderTime = format.Has(AccessField.UpstreamHeaderTime),
            Raw = LogText.Raw(entry.Line),
        };
        if (entry.RequestTime is { } seconds)
        {
            request.Began = time - TimeSpan.FromSeconds(seconds);
        }

        request.Tries = ReadTries(in entry);
        request.HistoryKey = HistoryKey(in entry, format, upstreams).ToString();
        if (!gateway)
        {
            // It succeeded on a later try: that server served it.
            RecordServed(in entry, format, upstreams, time);
        }

        Insert(State.PendingRequests, request, r => r.Time);
        return true;
    }

    /// <summary>Takes one error-log line (its time already read); lines not about an upstream are counted and dropped.</summary>
    public void AddError(in ErrorLogLine line, DateTimeOffset time)
    {
        Stats.ErrorLines++;
        if (State.ErrorWatermark is null || time > State.ErrorWatermark)
        {
            State.ErrorWatermark = time;
        }

        if (State.ErrorLogBegan is null || time < State.ErrorLogBegan)
        {
            State.ErrorLogBegan = time;
        }

        var kind = ErrorSignatures.Classify(line.Message);
        var relevantLevel = kind is FailureKind.RateLimitRequests or FailureKind.RateLimitConnections
            || line.Level >= (kind == FailureKind.OtherUpstream ? ErrorLevel.Error : ErrorLevel.Warn);
        if (kind == FailureKind.None || !relevantLevel)
        {
            Stats.ErrorLinesIgnored++;
            return;
        }

        var error = new PendingError
        {
            Time = time,
            Kind = kind,
            Signature = ErrorSignatures.Normalize(line.Message),
            Upstream = kind is FailureKind.RateLimitRequests or FailureKind.RateLimitConnections ? "-" : ErrorSignatures.UpstreamOf(in line, kind),
            Client = Encoding.UTF8.GetString(line.Client),
            Request = LogText.Decode(line.Request, LogEscape.Default),
            Host = UpstreamAddress.HostKey(LogText.Decode(line.Host.IsEmpty ? line.Server : line.Host, LogEscape.Default)),
            ConnectionId = line.ConnectionId,
            Raw = LogText.Raw(line.Line),
        };
        Insert(State.PendingErrors, error, e => e.Time);
    }

    /// <summary>
    /// Joins and classifies everything older than <paramref name="watermark"/> minus the join window, and
    /// resolves incidents quiet for the quiet period. Call it with the time both logs have reached.
    /// </summary>
    public void AdvanceTo(DateTimeOffset watermark)
    {
        if (State.Watermark is { } previous && watermark <= previous)
        {
            return;
        }

        State.Watermark = watermark;
        var cutoff = watermark - _options.JoinSkew;
        var processed = 0;
        foreach (var request in State.PendingRequests)
        {
            if (request.Time > cutoff)
            {
                break;
            }

            Join(request);
            processed++;
        }

        State.PendingRequests.RemoveRange(0, processed);

        // Errors no request can claim any more: recovered tries when the access log covers them, failures otherwise.
        var errorCutoff = cutoff - _options.JoinLookback;
        processed = 0;
        foreach (var error in State.PendingErrors)
        {
            if (error.Time > errorCutoff && State.PendingErrors.Count - processed <= 100_000)
            {
                break;
            }

            if (!error.Claimed)
            {
                Apply(Unmatched(error));
            }

            processed++;
        }

        State.PendingErrors.RemoveRange(0, processed);
        CloseQuiet(watermark);
    }

    /// <summary>End of input: join everything, resolve what has been quiet, and return all incidents
    /// (resolved first, then the still-open ones as of the last line read).</summary>
    public IReadOnlyList<Incident> Complete()
    {
        var end = Max(State.AccessWatermark, State.ErrorWatermark) ?? State.Watermark ?? DateTimeOffset.UnixEpoch;
        AdvanceTo(end + _options.JoinSkew + _options.JoinLookback + TimeSpan.FromSeconds(1));
        return [.. DrainResolved(), .. OpenIncidents()];
    }

    /// <summary>Incidents that closed since the last call.</summary>
    public IReadOnlyList<Incident> DrainResolved()
    {
        var resolved = _resolved.ToArray();
        _resolved.Clear();
        return resolved;
    }

    /// <summary>Snapshots of the incidents still open.</summary>
    public IReadOnlyList<Incident> OpenIncidents() =>
        [.. State.Trackers.Values.Where(t => t.IsOpen).Select(t => ToIncident(t, IncidentState.Open)).OrderBy(i => i.Start)];

    private void Join(PendingRequest request)
    {
        var errors = State.PendingErrors;
        var from = (request.Began ?? request.Time - _options.JoinLookback) - _options.JoinSkew;
        var to = request.Time + _options.JoinSkew;
        var candidates = new List<(PendingError Error, int Score)>();
        for (var i = LowerBound(errors, from); i < errors.Count && errors[i].Time <= to; i++)
        {
            var error = errors[i];
            if (!error.Claimed && Compatibility(request, error) is > 0 and var score)
            {
                candidates.Add((error, score));
            }
        }

        var claimed = new List<PendingError>();
        if (candidates.Count > 0)
        {
            // The best match is the most certain, then the nearest in time (error lines come at or before the access line).
            var best = candidates
                .OrderByDescending(c => c.Score)
                .ThenBy(c => (c.Error.Time - request.Time).Duration())
                .ThenBy(c => c.Error.Time)
                .First().Error;
            claimed.Add(best);

            // nginx writes one error line per failed try, all on the same connection: claim the other tries too.
            var tries = Math.Max(1, request.Tries.Count);
            foreach (var (error, _) in candidates)
            {
                if (claimed.Count >= tries && request.Tries.Count > 0)
                {
                    break;
                }

                if (error != best && best.ConnectionId >= 0 && error.ConnectionId == best.ConnectionId
                    && error.Upstream != best.Upstream && !claimed.Exists(c => c.Upstream == error.Upstream))
                {
                    claimed.Add(error);
                }
            }
        }

        foreach (var error in claimed)
        {
            error.Claimed = true;
        }

        foreach (var failure in ToFailures(request, claimed))
        {
            Apply(failure);
        }
    }

    /// <summary>0: cannot be the same request; 1: could be; 2: certainly is (same connection, or same client and request).</summary>
    private static int Compatibility(PendingRequest request, PendingError error)
    {
        if (request.ConnectionId >= 0 && error.ConnectionId >= 0)
        {
            return request.ConnectionId == error.ConnectionId && Agrees(request.Request, error.Request) ? 2 : 0;
        }

        if (!Agrees(request.Client, error.Client) || !Agrees(request.Request, error.Request)
            || !Agrees(request.Host, error.Host, "-"))
        {
            return 0;
        }

        if (request.Tries.Count > 0 && error.Upstream.Length > 0 && error.Upstream != "-"
            && !request.Tries.Exists(t => t.Address == error.Upstream))
        {
            return 0;
        }

        if (error.Kind is FailureKind.RateLimitRequests or FailureKind.RateLimitConnections && request.Status != 503)
        {
            return 0;
        }

        return request.Client.Length > 0 && error.Client.Length > 0 && request.Request.Length > 0 && error.Request.Length > 0 ? 2 : 1;
    }

    private static bool Agrees(string a, string b, string absent = "") =>
        a.Length == 0 || b.Length == 0 || a == absent || b == absent || string.Equals(a, b, StringComparison.Ordinal);

    /// <summary>One failure per upstream that failed the request, each with the error lines about it.</summary>
    private IEnumerable<FailureEvent> ToFailures(PendingRequest request, List<PendingError> errors)
    {
        var gateway = request.Status is 502 or 503 or 504;
        var failedTries = request.Tries.Where((t, i) => IsFailedTry(t) || (gateway && i == request.Tries.Count - 1)).ToList();
        if (failedTries.Count == 0)
        {
            // No upstream fields (or "-"): the error lines name the upstream, else it is unknown.
            var upstream = errors.FirstOrDefault(e => e.Upstream.Length > 0)?.Upstream
                ?? (request.LogsUpstream ? "-" : "(unknown)");
            yield return Failure(request, upstream, null, !gateway, errors);
            yield break;
        }

        var remaining = new List<PendingError>(errors);
        for (var i = 0; i < failedTries.Count; i++)
        {
            var attempt = failedTries[i];
            var mine = remaining.Where(e => e.Upstream == attempt.Address).ToList();
            if (i == failedTries.Count - 1)
            {
                // Error lines that name no upstream we know of belong to the last failed try.
                mine.AddRange(remaining.Where(e => !mine.Contains(e) && !failedTries.Exists(t => t.Address == e.Upstream)));
            }

            remaining.RemoveAll(mine.Contains);
            yield return Failure(request, attempt.Address, attempt, recovered: !gateway, mine);
        }
    }

    private static bool IsFailedTry(UpstreamTry attempt) => attempt.Status is 0 or >= 502 and <= 504;

    private FailureEvent Failure(PendingRequest request, string upstream, UpstreamTry? attempt, bool recovered, List<PendingError> errors) => new()
    {
        Time = request.Time,
        Status = request.Status,
        Upstream = upstream,
        Host = request.Host is not ("" or "-") ? request.Host : errors.FirstOrDefault(e => e.Host != "-")?.Host ?? "-",
        HistoryKey = request.LogsUpstream && upstream is not ("-" or "(unknown)") ? "u|" + upstream : request.HistoryKey,
        Recovered = recovered,
        UpstreamStatus = attempt?.Status ?? 0,
        ConnectTime = attempt?.ConnectTime,
        HeaderTime = attempt?.HeaderTime,
        ResponseTime = attempt?.ResponseTime,
        FromAccessLog = true,
        LogsUpstream = request.LogsUpstream,
        LogsConnectTime = request.LogsConnectTime,
        LogsHeaderTime = request.LogsHeaderTime,
        AccessRaw = request.Raw,
        Errors = errors,
    };

    private FailureEvent Unmatched(PendingError error)
    {
        // With the access log read past this line, a gateway error would have been logged and matched:
        // an unmatched error line is then a try nginx recovered from.
        var accessCovers = State.AccessWatermark is { } seen && seen >= error.Time;
        var recovered = accessCovers && error.Kind is not (FailureKind.RateLimitRequests or FailureKind.RateLimitConnections);
        return new FailureEvent
        {
            Time = error.Time,
            Status = error.Kind switch
            {
                FailureKind.TimedOut => 504,
                FailureKind.RateLimitRequests or FailureKind.RateLimitConnections => 503,
                _ => 502,
            },
            Upstream = error.Upstream.Length > 0 ? error.Upstream : "(unknown)",
            Host = error.Host,
            HistoryKey = "u|" + error.Upstream,
            Recovered = recovered,
            Errors = [error],
        };
    }

    private void Apply(FailureEvent failure)
    {
        if (State.History.TryGetValue(failure.HistoryKey, out var history) || TryAddHistory(failure.HistoryKey, out history))
        {
            history.RecordFailure(failure.Time, failure.Recovered, failure.Status);
        }

        var key = failure.Upstream + KeySeparator + failure.Host;
        if (!State.Trackers.TryGetValue(key, out var tracker))
        {
            if (failure.Recovered)
            {
                return;
            }

            tracker = new IncidentTracker { Upstream = failure.Upstream, Host = failure.Host, HistoryKey = failure.HistoryKey };
            State.Trackers[key] = tracker;
        }

        if (tracker.Add(failure, _options) && State.History.TryGetValue(tracker.HistoryKey, out var tracked))
        {
            tracked.IncidentStart = tracker.Start;
            tracked.ServedDuringIncident = 0;
        }
    }

    private void CloseQuiet(DateTimeOffset watermark)
    {
        List<string>? done = null;
        foreach (var (key, tracker) in State.Trackers)
        {
            var finished = tracker.IsOpen
                ? watermark - tracker.Last >= _options.QuietPeriod
                : tracker.Expire(watermark, _options);
            if (!finished)
            {
                continue;
            }

            if (tracker.IsOpen)
            {
                _resolved.Add(ToIncident(tracker, IncidentState.Resolved));
                if (State.History.TryGetValue(tracker.HistoryKey, out var history) && history.IncidentStart == tracker.Start)
                {
                    history.IncidentStart = null;
                }
            }

            (done ??= []).Add(key);
        }

        done?.ForEach(key => State.Trackers.Remove(key));
    }

    private Incident ToIncident(IncidentTracker t, IncidentState state)
    {
        State.History.TryGetValue(t.HistoryKey, out var history);
        var evidence = new IncidentEvidence
        {
            Upstream = t.Upstream,
            Kinds = t.Kinds,
            Statuses = t.Statuses,
            FailedRequests = t.FailedRequests,
            RecoveredTries = t.RecoveredTries,
            WithoutErrorLine = t.WithoutErrorLine,
            UpstreamAnswered = t.UpstreamAnswered,
            NoUpstreamContacted = t.NoUpstreamContacted,
            NotConnected = t.NotConnected,
            ConnectedNoHeader = t.ConnectedNoHeader,
            ServedBefore = history?.ServedBefore(t.Start) ?? 0,
            ObservedBefore = history?.FirstSeen < t.Start || (State.Stats.AccessLines > t.FailedRequests && t.FromAccessLog > 0),
            ServedDuring = ServedDuring(history, t),
            HistoryIsPerUpstream = t.HistoryKey.StartsWith("u|", StringComparison.Ordinal),
            ResponseMillisBefore = history?.MeanResponseMillis(t.Start - TimeSpan.FromMinutes(5), t.Start),
            ResponseMillisBaseline = history?.MeanResponseMillis(t.Start - TimeSpan.FromMinutes(65), t.Start - TimeSpan.FromMinutes(6)),
            ErrorLogCovered = State.ErrorLogBegan <= t.Start || (State.Stats.ErrorLines > 0 && State.ErrorLogBegan is null),
        };
        var verdict = IncidentClassifier.Classify(evidence);
        var statuses = t.Statuses.OrderBy(s => s.Key).ToDictionary(s => s.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), s => s.Value);
        return new Incident
        {
            Id = IncidentId(t.Upstream, t.Host, t.Start),
            Upstream = t.Upstream,
            Host = t.Host,
            Status = t.Statuses.Count == 0 ? 502 : t.Statuses.OrderByDescending(s => s.Value).ThenBy(s => s.Key).First().Key,
            Statuses = statuses,
            Cause = verdict.Cause,
            Confidence = verdict.Confidence,
            Summary = verdict.Summary,
            Start = t.Start,
            End = t.Last,
            State = state,
            FailedRequests = t.FailedRequests,
            FailedTriesRecovered = t.RecoveredTries,
            SuccessesBefore = evidence.ServedBefore,
            Evidence = [.. t.Signatures
                .OrderByDescending(s => s.Value.Count).ThenByDescending(s => s.Value.Source == "error").ThenBy(s => s.Key, StringComparer.Ordinal)
                .Take(_options.MaxEvidence)
                .Select(s => new EvidenceItem(s.Key, s.Value.Count, s.Value.Sample, s.Value.Source))],
            Remediation = Remediation.For(verdict.Cause, t.Upstream, t.Kinds.Keys),
        };
    }

    /// <summary>
    /// Requests the upstream served while the incident went on: counted exactly from the moment it opened, and, for
    /// batches fed before the engine advanced (the timer), from the whole minutes strictly inside the incident.
    /// </summary>
    private static long ServedDuring(UpstreamHistory? history, IncidentTracker t)
    {
        if (history is null)
        {
            return 0;
        }

        var exact = history.IncidentStart == t.Start ? history.ServedDuringIncident : 0;
        var firstWholeMinute = DateTimeOffset.FromUnixTimeSeconds(((t.Start.ToUnixTimeSeconds() / 60) + 1) * 60);
        var lastWholeMinute = DateTimeOffset.FromUnixTimeSeconds(((t.Last.ToUnixTimeSeconds() / 60) - 1) * 60);
        var inside = lastWholeMinute >= firstWholeMinute ? history.ServedBetween(firstWholeMinute, lastWholeMinute) : 0;
        return Math.Max(exact, inside);
    }

    /// <summary>The same site, upstream, host and start give the same id, whichever run or batch found it.</summary>
    public static string IncidentId(string upstream, string host, DateTimeOffset start, string? site = null)
    {
        var bytes = Encoding.UTF8.GetBytes((site is null ? "" : site + "\n") + $"{upstream}\n{host}\n{start.ToUnixTimeSeconds()}");
        return Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 8));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RecordServed(in AccessLogEntry entry, AccessLogFormat format, ReadOnlySpan<byte> upstreams, DateTimeOffset time)
    {
        Span<char> buffer = stackalloc char[256];
        var key = HistoryKey(in entry, format, upstreams, buffer);
        if (key.IsEmpty)
        {
            return;
        }

        if (!_history.TryGetValue(key, out var history) && !TryAddHistory(key.ToString(), out history))
        {
            return;
        }

        var responseTime = entry.Get(AccessField.UpstreamResponseTime);
        double? seconds = responseTime.IsEmpty ? null
            : Utf8Parser.TryParse(UpstreamTries.Last(responseTime), out double s, out _) ? s : null;
        history.RecordServed(time, entry.Status, seconds);
    }

    private bool TryAddHistory(string key, out UpstreamHistory history)
    {
        history = new UpstreamHistory();
        if (State.History.Count >= EngineState.MaxHistoryKeys)
        {
            return false;
        }

        State.History[key] = history;
        return true;
    }

    private static string HistoryKey(in AccessLogEntry entry, AccessLogFormat format, ReadOnlySpan<byte> upstreams) =>
        HistoryKey(in entry, format, upstreams, new char[256]).ToString();

    /// <summary>
    /// Whom a request's success speaks for: its upstream (<c>u|10.0.0.1:80</c>) when the format logs
    /// upstreams, else its host (<c>h|api.example.com</c>), else the first segment of its path (<c>p|/api</c>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ReadOnlySpan<char> HistoryKey(in AccessLogEntry entry, AccessLogFormat format, ReadOnlySpan<byte> upstreams, Span<char> buffer)
    {
        ReadOnlySpan<byte> value;
        char prefix;
        if (format.Has(AccessField.UpstreamAddr))
        {
            value = UpstreamTries.Last(upstreams);
            prefix = 'u';
        }
        else if (entry.Has(AccessField.Host))
        {
            value = entry.Get(AccessField.Host);
            var colon = value.LastIndexOf((byte)':');
            if (colon > 0 && value.IndexOf((byte)']') < colon)
            {
                value = value[..colon];
            }

            prefix = 'h';
        }
        else
        {
            value = FirstPathSegment(entry.Get(AccessField.Request).IsEmpty ? entry.Get(AccessField.RequestUri) : entry.Get(AccessField.Request));
            prefix = 'p';
        }

        if (value.IsEmpty)
        {
            return default;
        }

        var length = Math.Min(value.Length, buffer.Length - 2);
        buffer[0] = prefix;
        buffer[1] = '|';
        for (var i = 0; i < length; i++)
        {
            var c = (char)value[i];
            buffer[i + 2] = prefix == 'h' ? char.ToLowerInvariant(c) : c;
        }

        return buffer[..(length + 2)];
    }

    /// <summary><c>GET /api/v1/x?y HTTP/1.1</c> → <c>/api</c>; a bare URI works too.</summary>
    private static ReadOnlySpan<byte> FirstPathSegment(ReadOnlySpan<byte> request)
    {
        var start = request.IndexOf((byte)'/');
        if (start < 0)
        {
            return default;
        }

        var path = request[start..];
        var end = path[1..].IndexOfAny("/? "u8);
        return end < 0 ? path : path[..(end + 1)];
    }

    private static bool HasFailedTry(ReadOnlySpan<byte> statuses)
    {
        var tries = new UpstreamTries(statuses);
        while (tries.MoveNext(out var item))
        {
            if (item.SequenceEqual("502"u8) || item.SequenceEqual("503"u8) || item.SequenceEqual("504"u8))
            {
                return true;
            }
        }

        return false;
    }

    private static List<UpstreamTry> ReadTries(in AccessLogEntry entry)
    {
        var result = new List<UpstreamTry>();
        var addrs = new UpstreamTries(entry.Get(AccessField.UpstreamAddr));
        var statuses = new UpstreamTries(entry.Get(AccessField.UpstreamStatus));
        var connects = new UpstreamTries(entry.Get(AccessField.UpstreamConnectTime));
        var headers = new UpstreamTries(entry.Get(AccessField.UpstreamHeaderTime));
        var responses = new UpstreamTries(entry.Get(AccessField.UpstreamResponseTime));
        while (addrs.MoveNext(out var addr))
        {
            statuses.MoveNext(out var status);
            connects.MoveNext(out var connect);
            headers.MoveNext(out var header);
            responses.MoveNext(out var response);
            if (addr.SequenceEqual("-"u8))
            {
                continue;
            }

            result.Add(new UpstreamTry(
                Encoding.UTF8.GetString(addr),
                Utf8Parser.TryParse(status, out int code, out _) ? code : 0,
                Seconds(connect),
                Seconds(header),
                Seconds(response)));
        }

        return result;
    }

    private static double? Seconds(ReadOnlySpan<byte> value) =>
        value.IsEmpty || value[0] == '-' || !Utf8Parser.TryParse(value, out double s, out _) ? null : s;

    private static void Insert<T>(List<T> list, T item, Func<T, DateTimeOffset> time)
    {
        // Nearly always appended: lines arrive in time order, give or take a second.
        var i = list.Count;
        while (i > 0 && time(list[i - 1]) > time(item))
        {
            i--;
        }

        list.Insert(i, item);
    }

    private static int LowerBound(List<PendingError> errors, DateTimeOffset from)
    {
        int lo = 0, hi = errors.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (errors[mid].Time < from)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
