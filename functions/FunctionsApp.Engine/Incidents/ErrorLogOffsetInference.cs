using System.Buffers.Text;
using System.Text;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.Incidents;

/// <summary>
/// Finds the UTC offset of an error log's local times by aligning it with the access log. nginx writes both logs in
/// its own local time, but the access log may say only UTC or epoch seconds (<c>$msec</c>, a shipper's timestamp),
/// and the error log never says its zone. Under the right offset, error lines meet failed requests they agree with
/// (client, request, host, upstream) within a second or two; under any other, they meet nothing. Every zone in use is
/// a whole, half or quarter hour from -12:00 to +14:00 (+05:45 Nepal, +12:45/+13:45 Chatham), so those are tried.
/// </summary>
internal static class ErrorLogOffsetInference
{
    /// <summary>Error lines sampled (the first ones about an upstream).</summary>
    public const int MaxErrorLines = 20_000;

    /// <summary>Every UTC offset in use is a whole quarter hour (in seconds) from <see cref="MinOffset"/> to <see cref="MaxOffset"/>.</summary>
    internal const int Step = 15 * 60;

    internal const int MinOffset = -12 * 3600;

    internal const int MaxOffset = 14 * 3600;

    private const int Candidates = ((MaxOffset - MinOffset) / Step) + 1;

    /// <summary>
    /// The whole quarter hours two clocks' readings of one moment differ by (a line's local time beside the stamp a
    /// runtime or a syslog daemon gave it), when they are within two minutes of such a difference (the two were read a
    /// moment apart); null when they differ by no zone.
    /// </summary>
    internal static TimeSpan? ZoneDifference(TimeSpan difference)
    {
        var step = TimeSpan.FromSeconds(Step);
        var zones = step * Math.Round(difference / step);
        return (difference - zones).Duration() <= TimeSpan.FromMinutes(2) ? zones : null;
    }
    private const int Skew = 2;
    private const int MaxLookback = 120;

    /// <summary>Reads the error inputs, then the access inputs, and returns the offset they agree on, or null when the
    /// lines do not decide (fewer than three matches, or a rival offset at least half as good).</summary>
    public static OffsetEstimate? Infer(
        IReadOnlyList<LogInput> errorInputs, IReadOnlyList<LogInput> accessInputs, AccessLogFormat format, CancellationToken cancellationToken)
    {
        var errors = new List<Sample>();
        var bySecond = new Dictionary<long, List<int>>();
        foreach (var input in errorInputs)
        {
            using var stream = input.Open();
            using var reader = new LineReader(stream);
            var unwrap = new Unwrapper();
            while (errors.Count < MaxErrorLines && reader.TryReadLine(out var line, out _))
            {
                ReadError(unwrap.Line(line));
            }
        }

        if (errors.Count == 0)
        {
            return null;
        }

        var votes = new int[Candidates];
        var voted = new bool[Candidates];
        foreach (var input in accessInputs)
        {
            using var stream = input.Open();
            using var reader = new LineReader(stream);
            var unwrap = new Unwrapper();

            // The input's prefix is chosen from its first lines as the feed chooses it: the shape under which the
            // format parses (stripping any layer a line starts with could take an epoch-seconds first field too).
            var sample = new List<byte[]>();
            while (sample.Count < LogFormatDetector.SampleLines && reader.TryReadLine(out var line, out _))
            {
                sample.Add(unwrap.Line(line).ToArray());
            }

            var prefix = LogFormatDetector.ChoosePrefix(sample, format);
            foreach (var line in sample)
            {
                VoteFor(line, prefix);
            }

            while (reader.TryReadLine(out var line, out _))
            {
                VoteFor(unwrap.Line(line), prefix);
            }

            cancellationToken.ThrowIfCancellationRequested();
        }

        var best = Array.IndexOf(votes, votes.Max());
        var runnerUp = votes.Where((_, i) => i != best).DefaultIfEmpty(0).Max();
        return votes[best] >= 3 && runnerUp * 2 < votes[best]
            ? new OffsetEstimate(TimeSpan.FromSeconds(MinOffset + (best * Step)), votes[best], runnerUp)
            : null;

        void ReadError(ReadOnlySpan<byte> line)
        {
            if (!ErrorLogParser.TryParseAnywhere(line, null, out var entry) || !NginxTime.TryParseErrorLogTime(entry.Timestamp, TimeSpan.Zero, out var local))
            {
                return;
            }

            var kind = ErrorSignatures.Classify(in entry, entry.Message);
            if (kind is FailureKind.None or FailureKind.Resolver || (entry.Request.IsEmpty && entry.Client.IsEmpty))
            {
                return;
            }

            var second = local.ToUnixTimeSeconds();
            if (!bySecond.TryGetValue(second, out var list))
            {
                bySecond[second] = list = [];
            }

            list.Add(errors.Count);
            errors.Add(new Sample(
                Encoding.UTF8.GetString(entry.Client),
                LogText.Decode(entry.Request, LogEscape.Default),
                UpstreamAddress.HostKey(LogText.Decode(entry.Host, LogEscape.Default)),
                kind is FailureKind.RateLimitRequests or FailureKind.RateLimitConnections ? "-" : ErrorSignatures.UpstreamOf(in entry, kind)));
        }

        void VoteFor(ReadOnlySpan<byte> line, LinePrefix prefix)
        {
            // The input's prefix (docker compose, syslog), chosen from its first lines, is stripped first; a line of
            // another shape loses whatever layers it starts with. A format that starts with a variable ('$msec"$uri"...')
            // takes a prefix into that value and still finds a status, so a line reads only when its time does too.
            var body = prefix.IsNone ? line : line[prefix.Strip(line, out _)..];
            if (!TryRead(body, format, out var entry, out var time) && !TryRead(LinePrefix.StripAny(line), format, out entry, out time))
            {
                return;
            }

            if (!IsFailure(in entry))
            {
                return;
            }

            var client = entry.Text(AccessField.RemoteAddr);
            var request = AccessRequest.From(in entry);
            var host = entry.HostName;
            var upstreams = entry.Text(AccessField.UpstreamAddr);
            var lookback = (int)Math.Min(MaxLookback, Math.Ceiling(entry.RequestTime ?? 0));
            var utc = time.ToUnixTimeSeconds();
            Array.Clear(voted);
            for (var c = 0; c < Candidates; c++)
            {
                var local = utc + MinOffset + (c * Step);
                for (var s = local - lookback - Skew; s <= local + Skew && !voted[c]; s++)
                {
                    if (bySecond.TryGetValue(s, out var indexes) && indexes.Exists(i => errors[i].Matches(client, request, host, upstreams)))
                    {
                        voted[c] = true;
                        votes[c]++;
                    }
                }
            }
        }
    }

    private static bool TryRead(ReadOnlySpan<byte> line, AccessLogFormat format, out AccessLogEntry entry, out DateTimeOffset time)
    {
        time = default;
        return format.TryParse(line, out entry) && entry.TryGetTime(out time);
    }

    /// <summary>An input's search export (its header) or JSON wrapper (Docker's json-file, a shipper's file output), decided by its first line.</summary>
    private sealed class Unwrapper
    {
        private LineEnvelope? _envelope;
        private CsvExport? _csv;
        private bool _decided;

        public ReadOnlySpan<byte> Line(ReadOnlySpan<byte> line)
        {
            if (!_decided && !line.Trim(" \t\r"u8).IsEmpty)
            {
                _decided = true;
                _csv = CsvExport.FromHeader(line);
                _envelope = _csv is null ? LineEnvelope.Detect([line.ToArray()]) : null;
            }

            if (_csv is not null)
            {
                return _csv.IsHeader(line) ? default : _csv.TryUnwrap(line, out var field, out _) ? field : line;
            }

            return _envelope is not null && _envelope.TryUnwrap(line, out var inner, out _) ? inner : line;
        }
    }

    private static bool IsFailure(in AccessLogEntry entry)
    {
        if (entry.Status is 502 or 503 or 504)
        {
            return true;
        }

        var statuses = new UpstreamTries(entry.Get(AccessField.UpstreamStatus));
        while (statuses.MoveNext(out var item))
        {
            if (Utf8Parser.TryParse(item, out int status, out _) && status is 502 or 503 or 504)
            {
                return true;
            }
        }

        return false;
    }

    private sealed record Sample(string Client, string Request, string Host, string Upstream)
    {
        /// <summary>Every field both lines have agrees, and at least one of them is the request or the client.</summary>
        public bool Matches(string client, AccessRequest request, string host, string upstreams)
        {
            var agreement = request.Compare(Request);
            if (agreement == RequestAgreement.Disagree || (client.Length > 0 && Client.Length > 0 && client != Client)
                || (host != "-" && Host != "-" && host != Host)
                || (upstreams.Length > 0 && Upstream.Length > 1 && !upstreams.Contains(Upstream, StringComparison.Ordinal)))
            {
                return false;
            }

            // With neither request nor client in the format, the upstream or host and the moment must do.
            return agreement == RequestAgreement.Agree || (client.Length > 0 && client == Client)
                || (request.IsEmpty && client.Length == 0 && ((upstreams.Length > 0 && Upstream.Length > 1) || (host != "-" && Host != "-")));
        }
    }
}

/// <summary>An inferred error-log UTC offset and how many failed requests it joined (and the best other offset did).</summary>
public sealed record OffsetEstimate(TimeSpan Offset, int Matches, int RunnerUp);
