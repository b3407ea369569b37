using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Unicode;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.Incidents;

/// <summary>
/// Feeds an access log and an error log into the engine merged in time order, streaming both: each side
/// reads until its next line is later than the other side's, so the join window sees both logs' lines
/// for the same moment. Used by the <c>analyze</c> command and by the timer over stored batches.
/// </summary>
internal sealed class LogFeed
{
    private readonly DiagnosisEngine _engine;
    private readonly bool _advance;
    private IReadOnlyList<LogInput> _access = [];
    private IReadOnlyList<LogInput> _errors = [];
    private int? _errorLogYear;
    private bool _errorLogYearSought;

    /// <summary>How far the syslog header's clock ran ahead of nginx's on the error log's first timed line (<see cref="SyslogClockAhead"/>).</summary>
    private TimeSpan _syslogClockAhead;

    /// <summary>The access log's first time, for error lines pasted without nginx's time when none in their input has
    /// one: a paste of both logs is of the same moments.</summary>
    private DateTimeOffset? _accessFirstTime;
    private bool _mixedStreamAligned;
    private CancellationToken _cancellationToken;

    /// <param name="engine">The engine to feed.</param>
    /// <param name="advance">Advance the engine as the merged logs' time passes (one-shot analysis). Off for
    /// incremental runs, where the other log may arrive later: the caller advances to a watermark it trusts.</param>
    public LogFeed(DiagnosisEngine engine, bool advance = true)
    {
        _engine = engine;
        _advance = advance;
    }

    /// <summary>The access-log format used (given or detected); null when detection found none.</summary>
    public AccessLogFormat? Format { get; private set; }

    /// <summary>Whether <see cref="Format"/> was detected from the lines rather than given.</summary>
    public bool FormatDetected { get; private set; }

    public List<InputReport> Inputs { get; } = [];

    /// <summary>Reads everything. <paramref name="format"/> null means detect it from the first access lines.</summary>
    public void Run(IReadOnlyList<LogInput> access, IReadOnlyList<LogInput> errors, AccessLogFormat? format, CancellationToken cancellationToken)
    {
        (_access, _errors, _cancellationToken) = (access, errors, cancellationToken);
        _engine.State.ErrorLogGiven |= errors.Count > 0;
        using var accessSide = new AccessSide(this, access, format);
        using var errorSide = new ErrorSide(this, errors);
        Format = accessSide.Format;

        // Learn the time zone from the first access line before reading error-log local times; when the access log
        // tells no zone but UTC (epoch seconds, a shipper's timestamp), align the two logs to find the error log's.
        accessSide.Prime();
        Format = accessSide.Format;
        _accessFirstTime = accessSide.Done || accessSide.NextTime == DateTimeOffset.MinValue ? null : accessSide.NextTime;
        if (ShouldInferErrorLogOffset(access, errors))
        {
            if (ErrorLogOffsetInference.Infer(errors, access, Format!, cancellationToken) is { } estimate)
            {
                _engine.UseErrorLogOffset(estimate.Offset, $"inferred from {estimate.Matches} failed requests");
            }
        }

        errorSide.Prime();

        // The error log's first time is known before its first line is fed: a request before it had no chance of an error
        // line, so its silence says nothing of who made the status (an incident may close before that line is fed).
        if (!errorSide.Done)
        {
            _engine.NoteErrorLogTime(errorSide.NextTime);
        }

        while (!accessSide.Done || !errorSide.Done)
        {
            cancellationToken.ThrowIfCancellationRequested();
            accessSide.FeedUntil(errorSide.NextTime);
            errorSide.FeedUntil(accessSide.NextTime);
        }

        // Detection waits for the first input with lines, which may not be the first input; with no access log given,
        // the error log's stream may have told the format (DetectAccessLines).
        if (accessSide.Format is not null || access.Count > 0)
        {
            (Format, FormatDetected) = (accessSide.Format, accessSide.Detected);
        }
    }

    /// <summary>
    /// The year of the error log's first line that has nginx's time, for access lines a syslog header timed without
    /// one: read ahead in re-readable error inputs (the access side is read first), else the latest error line fed,
    /// else the Unix epoch's, as for lines with no time at all.
    /// </summary>
    private int ErrorLogYear()
    {
        if (!_errorLogYearSought && _errors.Count > 0 && _errors.All(i => i.CanReopen))
        {
            // Once: an error log whose first lines give no year is not read again for each access line.
            _errorLogYearSought = true;
            foreach (var input in _errors)
            {
                using var stream = input.Open();
                using var reader = new LineReader(stream);
                for (var read = 0; _errorLogYear is null && read < LogFormatDetector.SampleLines && reader.TryReadLine(out var line, out _); read++)
                {
                    if (ErrorLogParser.TryParseAnywhere(line, null, out var entry) && int.TryParse(entry.Timestamp[..4], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var year))
                    {
                        _errorLogYear = year;
                        _syslogClockAhead = SyslogClockAhead(line, entry.Timestamp, year);
                    }
                }

                if (_errorLogYear is not null)
                {
                    break;
                }
            }
        }

        return _errorLogYear ?? (_engine.State.ErrorWatermark ?? DateTimeOffset.UnixEpoch).Year;
    }

    /// <summary>
    /// How far the syslog writer's clock runs ahead of nginx's, from an error line that has both: its RFC 3164 header
    /// (the relaying host's local time) and nginx's own time (nginx's local time; a container's is often UTC while its
    /// host's is not). Whole quarter-hours, as zones differ; zero when the line has no header or the two do not differ
    /// by a zone. Access lines that only the header timed are moved back by it onto nginx's clock, where the error
    /// lines of the same requests are.
    /// </summary>
    private static TimeSpan SyslogClockAhead(ReadOnlySpan<byte> line, ReadOnlySpan<byte> nginxTime, int year)
    {
        if (!SyslogClock.TryRead(line, out var clock) || clock.In(year, TimeSpan.Zero) is not { } header
            || !NginxTime.TryParseErrorLogTime(nginxTime, TimeSpan.Zero, out var stamped))
        {
            return TimeSpan.Zero;
        }

        return ErrorLogOffsetInference.ZoneDifference(header - stamped) is { } ahead && ahead.Duration() <= TimeSpan.FromHours(14) ? ahead : TimeSpan.Zero;
    }

    /// <summary>One-shot analysis of re-readable inputs whose access log gives no zone other than UTC.</summary>
    private bool ShouldInferErrorLogOffset(IReadOnlyList<LogInput> access, IReadOnlyList<LogInput> errors) =>
        _advance && Format is not null && access.Count > 0 && errors.Count > 0 && !_engine.ErrorLogOffsetConfigured
        && access.All(i => i.CanReopen) && errors.All(i => i.CanReopen)
        && (_engine.State.ErrorLogOffset is null || _engine.State.ErrorLogOffset == TimeSpan.Zero);

    /// <summary>
    /// The first error line found in the access log's stream (one stream carrying both logs): when the error log's
    /// zone is still unknown, the stream is aligned with itself, once, before that line's local time is read.
    /// </summary>
    private void AlignMixedStream()
    {
        if (_mixedStreamAligned || _engine.Stats.ErrorLogOffsetSource.Length > 0)
        {
            return;
        }

        _mixedStreamAligned = true;
        if (ShouldInferErrorLogOffset(_access, _access)
            && ErrorLogOffsetInference.Infer(_access, _access, Format!, _cancellationToken) is { } estimate)
        {
            _engine.UseErrorLogOffset(estimate.Offset, $"inferred from {estimate.Matches} failed requests");
        }
    }

    /// <summary>Splits a line of several records or entries into <paramref name="parts"/>; false when it is one.</summary>
    private delegate bool SplitLine(ReadOnlySpan<byte> line, Queue<byte[]?> parts);

    private enum FeedResult
    {
        NotThisLog,
        Fed,
        Later,

        /// <summary>A line of the other log in this one's stream (<c>docker logs</c>, a syslog file, journald carry
        /// both): given to the engine at once, in the stream's order, without moving this side's time.</summary>
        FedAside,
    }

    /// <summary>A line read before, its prefix removed, with the times its prefix told.</summary>
    private readonly record struct ReadAgainLine(byte[] Line, DateTimeOffset? PrefixTime, DateTimeOffset? RelayedTime, SyslogClock? SyslogTime);

    /// <summary>One side of the merge: reads its inputs in order and holds the first line it may not feed yet.</summary>
    private abstract class Side : IDisposable
    {
        private static readonly TimeSpan AdvanceEvery = TimeSpan.FromSeconds(1);
        private readonly IEnumerator<LogInput> _inputs;
        private readonly Queue<byte[]?> _readAhead = new(); // the current input's first lines; null: over the length limit
        private readonly string _kind;
        private LineReader? _reader;
        private Stream? _stream;
        private LinePrefix _prefix = LinePrefix.None;
        private LineEnvelope? _envelope;
        private bool _ansi;
        private bool _typography;
        private byte[] _typographyBuffer = new byte[256];
        private bool _expandedTabs;
        private byte[] _tabsBuffer = new byte[256];
        private bool _batched;
        private bool _joined;
        private readonly Queue<byte[]?> _records = new(); // the records of the line a batch was split from
        private readonly Queue<ReadAgainLine> _again = new(); // lines read before, to be read once more (prefix removed)
        private byte[] _ansiBuffer = new byte[256];
        private JournalExport? _journal;
        private CsvExport? _csv;
        private byte[] _held = new byte[1024];
        private int _heldLength = -1;
        private TimeSpan _heldOffset;
        private DateTimeOffset _lastAdvance = DateTimeOffset.MinValue;
        private long _lines;
        private long _parsed;
        private string _name = "";
        private bool _newestFirst;

        protected Side(LogFeed feed, IReadOnlyList<LogInput> inputs, string kind)
        {
            Owner = feed;
            _inputs = inputs.GetEnumerator();
            _kind = kind;
        }

        protected LogFeed Owner { get; }

        protected DiagnosisEngine Engine => Owner._engine;

        public bool Done { get; private set; }

        /// <summary>Time of the held line; the end of time once this side is done.</summary>
        public DateTimeOffset NextTime { get; private set; } = DateTimeOffset.MinValue;

        /// <summary>The zoned time of the prefix a shipper put before the line <see cref="NextLine"/> returned last
        /// (RFC 3339, RFC 5424), or null. Still that line's while it is held: nothing is read before it is fed.</summary>
        protected DateTimeOffset? PrefixTime { get; private set; }

        /// <summary>The zoned time a syslog prefix printed before that line (see <see cref="LinePrefix.Strip(ReadOnlySpan{byte}, out DateTimeOffset?, out DateTimeOffset?)"/>), or null.</summary>
        protected DateTimeOffset? RelayedTime { get; private set; }

        /// <summary>The month, day and clock of an RFC 3164 syslog header before that line, or null: no year, no zone.</summary>
        protected SyslogClock? SyslogTime { get; private set; }

        /// <summary>Which container's stream (a compose service's <c>name | </c>, kubectl's <c>[pod/…/container]</c>) the
        /// line <see cref="NextLine"/> returned last came in, as <see cref="LinePrefix.StreamTagOf"/> tags it; 0 for none.</summary>
        protected int StreamTag { get; private set; }

        /// <summary>The container stream of the last <c>[emerg]</c> nginx wrote outside any request (a configuration it
        /// refused), or 0.</summary>
        private int _emergStream;

        /// <summary>The last error line was an <c>[emerg]</c> outside any request written by process 1: nginx as a
        /// container's init, exec'd by its entrypoint (<see cref="NoteStderrEcho"/>).</summary>
        private bool _emergByInit;

        /// <summary>Whether the line <see cref="NextLine"/> returned last is one read before and given back (<see cref="ReadAgain"/>).</summary>
        protected bool Rereading { get; private set; }

        public void Prime() => FeedUntil(DateTimeOffset.MinValue);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void FeedUntil(DateTimeOffset limit)
        {
            if (Done)
            {
                return;
            }

            if (_heldLength >= 0)
            {
                if (_heldOffset != Engine.ErrorLogOffset)
                {
                    // The access log crossed a daylight-saving change since the held line's time was read.
                    _heldOffset = Engine.ErrorLogOffset;
                    NextTime = Retime(_held.AsSpan(0, _heldLength)) ?? NextTime;
                }

                if (NextTime > limit)
                {
                    return;
                }

                Feed(_held.AsSpan(0, _heldLength), NextTime);
                Advance(NextTime);
                _heldLength = -1;
            }

            while (NextLine(out var line, out var oversized))
            {
                if (oversized)
                {
                    Engine.AddMalformed(default, oversized: true);
                    continue;
                }

                if (line.Trim(" \t"u8).IsEmpty)
                {
                    continue;
                }

                // One parse per line: the line is fed as soon as its time is known to be within the limit.
                var result = TryFeed(line, limit, out var time);
                if (result == FeedResult.NotThisLog)
                {
                    continue;
                }

                _parsed++;
                if (result == FeedResult.FedAside)
                {
                    continue;
                }

                if (result == FeedResult.Later)
                {
                    Hold(line, time);
                    return;
                }

                Advance(time);
            }

            Done = true;
            NextTime = DateTimeOffset.MaxValue;
        }

        /// <summary>
        /// Parses the line and, when its time is not after <paramref name="limit"/>, gives it to the engine.
        /// <see cref="FeedResult.NotThisLog"/> when the line is not of this log (already counted).
        /// </summary>
        protected abstract FeedResult TryFeed(ReadOnlySpan<byte> line, DateTimeOffset limit, out DateTimeOffset time);

        /// <summary>
        /// Gives an error-log line found in an access log's stream to the engine. nginx writes every error line as
        /// <c>yyyy/MM/dd HH:mm:ss [level] pid#tid:</c>, which no access format starts with, so a stream that carries
        /// both logs (the official image sends them to one <c>docker logs</c> stream; syslog and journald files hold
        /// both) is split line by line, the way ingest splits a source of kind auto.
        /// </summary>
        protected bool TryFeedErrorLine(ReadOnlySpan<byte> line)
        {
            if (!ErrorLogParser.TryParseAnywhere(line, PrefixTime, out var entry))
            {
                return false;
            }

            Owner.AlignMixedStream();
            if (!NginxTime.TryParseErrorLogTime(entry.Timestamp, Engine.ErrorLogOffset, out var time))
            {
                return false;
            }

            NoteEmerg(in entry);
            Engine.AddError(in entry, time);
            AfterErrorLine = true;
            return true;
        }

        /// <summary>Notes the container stream of an <c>[emerg]</c> outside any request: a configuration refused, by a
        /// start, a reload or a test (<see cref="NoteStderrEcho"/>).</summary>
        protected void NoteEmerg(in ErrorLogLine entry)
        {
            var refused = entry.Level == ErrorLevel.Emerg && entry.ConnectionId < 0;
            if (refused)
            {
                _emergStream = StreamTag;
            }

            _emergByInit = refused && ErrorLogParser.ProcessId(entry.Line) == 1;
        }

        /// <summary>
        /// nginx's stderr echo of an error (<c>nginx: [emerg] …</c>) in the same container's stream as the <c>[emerg]</c>
        /// before it: the container's own output is its main process's, and nginx echoes to stderr only while it starts
        /// (or tests, or signals, which a <c>docker exec</c> prints to its own terminal). So in a container's stream the
        /// echo is a start that failed, unless <c>nginx -t</c>'s verdict follows (a supervisor that runs the test itself
        /// and logs its output, such as ingress-nginx's controller): <see cref="DiagnosisEngine.AddConfigTestFailed"/>
        /// then takes the start back. A reload that another process of the container runs (nginx-proxy's docker-gen)
        /// prints in that process's stream, and is no start.
        /// With no container's name on the lines (<c>docker logs</c> of one container), the echo is a start's when process 1
        /// wrote the <c>[emerg]</c> just before it: nginx as the container's init. <c>nginx -t</c> and <c>nginx -s reload</c>
        /// run as processes of their own, and a running master that refuses a reload echoes nothing (nginx stops writing
        /// to stderr once started).
        /// </summary>
        protected void NoteStderrEcho(DateTimeOffset? time)
        {
            if ((StreamTag != 0 && StreamTag == _emergStream) || (StreamTag == 0 && _emergByInit))
            {
                Engine.ReleaseHeldStart(time);
            }
        }

        /// <summary>Whether the last line read was an error-log line, so that text after it may be its continuation.</summary>
        protected bool AfterErrorLine { get; set; }

        /// <summary>Counts a line that is of neither log: the rest of a multi-line error message (FastCGI stderr, for
        /// one) when it is text after an error line, malformed otherwise. An application server's line about a worker
        /// it killed at its time limit is noted too (<see cref="AppServerLine"/>). True when the line was counted as
        /// nginx's (a continuation, <c>nginx -t</c>'s verdict, systemd's word that nginx did not start).</summary>
        protected bool ContinueOrMalformed(ReadOnlySpan<byte> line)
        {
            if (ErrorLogParser.IsConfigTestFailed(line))
            {
                Engine.AddConfigTestFailed();
                return true;
            }

            if (ErrorLogParser.IsStartFailed(line))
            {
                Engine.AddStartFailed(PrefixTime);
                return true;
            }

            if (ErrorLogParser.IsStartAnnounced(line))
            {
                Engine.NoteStartAnnounced();
            }
            else if (ErrorLogParser.TryReadContainerExit(line, out var container) && _emergStream != 0 && LinePrefix.StreamTagOf(container) == _emergStream)
            {
                // Compose's word that the container whose nginx refused its configuration stopped (`nginx-1 exited with
                // code 1`): that was its start.
                Engine.AddStartFailed(PrefixTime);
                return true;
            }

            if (AppServerLine.TryReadTimeoutKill(line, out var kill))
            {
                Engine.NoteAppServerKill(PrefixTime, kill);
            }
            else if (AppServerLine.IsOversizedRequest(line))
            {
                Engine.NoteOversizedRequest(PrefixTime);
            }
            else if (AppServerLine.IsProcessSupervisor(line))
            {
                Engine.State.ProcessSupervisorSeen = true;
            }
            else if (AppServerLine.IsBackendWithoutEndpoints(line))
            {
                Engine.State.BackendWithoutEndpointsSaid = true;
            }

            if (AfterErrorLine && Utf8.IsValid(line) && !line.ContainsAnyInRange((byte)0, (byte)8))
            {
                Engine.AddContinuation();
                return true;
            }

            AfterErrorLine = false;
            Unread(line);
            return false;
        }

        /// <summary>A line of neither log: counted malformed (a side may first hold it to read it again).</summary>
        protected virtual void Unread(ReadOnlySpan<byte> line) => Engine.AddMalformed(line, oversized: false);

        /// <summary>Gives lines already read (their prefix removed) back, to be read again before the next one.</summary>
        protected void ReadAgain(IEnumerable<ReadAgainLine> lines)
        {
            foreach (var line in lines)
            {
                _again.Enqueue(line);
            }
        }

        /// <summary>The current input has no more lines: a side may give some back (<see cref="ReadAgain"/>) before it is closed.</summary>
        protected virtual bool InputEnding() => false;

        /// <summary>Gives a held line, whose time was read when it was held, to the engine.</summary>
        protected abstract void Feed(ReadOnlySpan<byte> line, DateTimeOffset time);

        /// <summary>Chooses the prefix shape of an input from its first lines (kept and read again afterwards).</summary>
        protected abstract LinePrefix ChoosePrefix(IReadOnlyList<byte[]> sample);

        /// <summary>Opens the first input now (the access side decides its format from it before anything is fed).</summary>
        protected void Start()
        {
            if (_reader is null)
            {
                OpenNextInput();
            }
        }

        /// <summary>Reads the next line of the inputs, in order, with the input's prefix removed.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        protected bool NextLine(out ReadOnlySpan<byte> line, out bool oversized)
        {
            while (true)
            {
                if (_again.TryDequeue(out var again))
                {
                    line = again.Line;
                    oversized = false;
                    (PrefixTime, RelayedTime, SyslogTime, Rereading) = (again.PrefixTime, again.RelayedTime, again.SyslogTime, true);
                    return true;
                }

                Rereading = false;
                var isRecord = _records.TryDequeue(out var record);
                if (isRecord)
                {
                    line = record;
                    oversized = false;
                }
                else if (_readAhead.TryDequeue(out var ahead))
                {
                    line = ahead;
                    oversized = ahead is null;
                }
                else if (_reader is null || !_reader.TryReadLine(out line, out oversized))
                {
                    if (_reader is not null && InputEnding())
                    {
                        continue;
                    }

                    if (!OpenNextInput())
                    {
                        line = default;
                        oversized = false;
                        return false;
                    }

                    continue;
                }
                else
                {
                    _lines++;
                }

                if (_batched && !isRecord && !oversized && RecordBatch.TrySplit(line, _records))
                {
                    // A line of several records (a JSON array, an OTLP export): each is read as a line of its own.
                    continue;
                }

                if (_joined && !isRecord && !oversized && JoinedEntries.TrySplit(line, _records))
                {
                    // A paste that lost its newlines: each of nginx's entries is read as a line of its own.
                    continue;
                }

                PrefixTime = null;
                RelayedTime = null;
                SyslogTime = null;
                if (_ansi && !oversized)
                {
                    line = AnsiEscapes.Strip(line, ref _ansiBuffer);
                }

                if (_typography && !oversized)
                {
                    line = PastedTypography.Restore(line, ref _typographyBuffer);
                }

                if (_expandedTabs && !oversized)
                {
                    line = ExpandedTabs.Restore(line, ref _tabsBuffer);
                }

                if (_journal is not null && !oversized)
                {
                    if (!_journal.TryRead(line, out var message, out var entryTime))
                    {
                        // An entry's metadata or the blank line after it: no log line.
                        continue;
                    }

                    line = message;
                    PrefixTime = entryTime;
                }

                if (_csv is not null && !oversized)
                {
                    if (_csv.IsHeader(line))
                    {
                        // The export's header row: no log line.
                        continue;
                    }

                    if (_csv.TryUnwrap(line, out var field, out var rowTime))
                    {
                        line = field;
                        PrefixTime = rowTime;
                    }
                }

                if (_envelope is not null && !oversized && _envelope.TryUnwrap(line, out var inner, out var stamped))
                {
                    line = inner;
                    PrefixTime = stamped ?? PrefixTime;
                }

                if (!_prefix.IsNone && !oversized)
                {
                    var length = _prefix.Strip(line, out var time, out var relayed, out var clock);
                    StreamTag = _prefix.HasContainerStream ? LinePrefix.StreamTagOf(line[..length]) : 0;
                    line = line[length..];
                    PrefixTime = time ?? PrefixTime;
                    RelayedTime = relayed;
                    SyslogTime = clock;
                }

                return true;
            }
        }

        /// <summary>Closes the current input and opens the next, reading its first lines to choose its prefix.</summary>
        private bool OpenNextInput()
        {
            _reader?.Dispose();
            _reader = null;
            FinishInput();
            if (!_inputs.MoveNext())
            {
                return false;
            }

            _name = _inputs.Current.Name;
            _newestFirst = _inputs.Current.NewestFirst;
            _stream = _inputs.Current.Open();
            _reader = new LineReader(_stream);
            var sample = new List<byte[]>();
            while (_readAhead.Count < LogFormatDetector.SampleLines && _reader.TryReadLine(out var line, out var oversized))
            {
                _lines++;
                var copy = oversized ? null : line.ToArray();
                _readAhead.Enqueue(copy);
                if (copy is not null)
                {
                    sample.Add(copy);
                }
            }

            // Lines of several records first (each record is a line), then a viewer's colours, then the journal's export
            // format or a search's CSV export, then a JSON wrapper (Docker's json-file, a shipper's file output), then a
            // text prefix inside it.
            _records.Clear();
            _batched = RecordBatch.Detect(sample);
            if (_batched)
            {
                sample = Expand(sample, RecordBatch.TrySplit);
            }

            _joined = !_batched && JoinedEntries.Detect(sample);
            if (_joined)
            {
                sample = Expand(sample, JoinedEntries.TrySplit);
            }

            _ansi = sample.Exists(line => AnsiEscapes.Has(line));
            if (_ansi)
            {
                sample = [.. sample.Select(line => AnsiEscapes.Strip(line, ref _ansiBuffer).ToArray())];
            }

            // Lines copied through a web page or a chat: no-break spaces, curly quotes, quotes as entities.
            _typography = sample.Exists(line => PastedTypography.Has(line));
            if (_typography)
            {
                sample = [.. sample.Select(line => PastedTypography.Restore(line, ref _typographyBuffer).ToArray())];
            }

            // Tab-separated lines copied from a terminal: each tab expanded to spaces up to the next tab stop.
            _expandedTabs = ExpandedTabs.Detect(sample);
            if (_expandedTabs)
            {
                sample = [.. sample.Select(line => ExpandedTabs.Restore(line, ref _tabsBuffer).ToArray())];
            }

            _journal = JournalExport.Detect(sample);
            if (_journal is not null)
            {
                sample = JournalExport.Messages(sample);
            }

            _csv = _journal is null ? CsvExport.Detect(sample) : null;
            if (_csv is not null)
            {
                sample = _csv.Lines(sample);
            }

            _envelope = LineEnvelope.Detect(sample);
            if (_envelope is not null)
            {
                sample = [.. sample.Select(line => _envelope.TryUnwrap(line, out var inner, out _) ? inner.ToArray() : line)];
            }

            _prefix = ChoosePrefix(sample);
            return true;
        }

        /// <summary>The sample with each line that <paramref name="trySplit"/> splits replaced by its parts.</summary>
        private static List<byte[]> Expand(List<byte[]> sample, SplitLine trySplit)
        {
            var parts = new Queue<byte[]?>();
            var expanded = new List<byte[]>();
            foreach (var line in sample)
            {
                if (trySplit(line, parts))
                {
                    expanded.AddRange(parts.OfType<byte[]>());
                    parts.Clear();
                }
                else
                {
                    expanded.Add(line);
                }
            }

            return expanded;
        }

        private void FinishInput()
        {
            if (_name.Length > 0)
            {
                EndOfInput();
                string?[] layers = [_batched ? "record-batches" : null, _joined ? "joined-entries" : null, _ansi ? "ansi-colours" : null, _typography ? "pasted-typography" : null, _expandedTabs ? "expanded-tabs" : null, _journal is null ? null : JournalExport.Name, _csv?.Name, _envelope?.Name, _prefix.Name];
                var prefix = layers.Any(layer => layer is not null) ? string.Join('+', layers.OfType<string>()) : null;
                Owner.Inputs.Add(new InputReport(_name, _kind, _lines, _parsed) { Prefix = prefix, NewestFirst = _newestFirst ? true : null });
                _name = "";
                (_lines, _parsed) = (0, 0);
            }

            _stream?.Dispose();
            _stream = null;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Advance(DateTimeOffset time)
        {
            // Everything before this moment has been fed from both sides (the other side holds a later line).
            if (Owner._advance && time - _lastAdvance >= AdvanceEvery)
            {
                Engine.AdvanceTo(time);
                _lastAdvance = time;
            }
        }

        private void Hold(ReadOnlySpan<byte> line, DateTimeOffset time)
        {
            if (_held.Length < line.Length)
            {
                _held = new byte[Math.Max(line.Length, _held.Length * 2)];
            }

            line.CopyTo(_held);
            _heldLength = line.Length;
            _heldOffset = Engine.ErrorLogOffset;
            NextTime = time;
        }

        /// <summary>The held line's time read again under the error log's offset now; null when it does not depend on it.</summary>
        protected virtual DateTimeOffset? Retime(ReadOnlySpan<byte> line) => null;

        /// <summary>The input's last line was read: what a side still holds of it is given to the engine now.</summary>
        protected virtual void EndOfInput()
        {
        }

        public void Dispose()
        {
            _reader?.Dispose();
            FinishInput();
            _inputs.Dispose();
        }
    }

    private sealed class AccessSide : Side
    {
        /// <summary>Lines no known format reads, held or just counted, after which another format is looked for in
        /// them; fewer when an input ends.</summary>
        private const int LinesToDetect = 24;
        private const int TailToDetect = 8;

        /// <summary>Lines read after the first held one before the held ones are counted malformed (and kept only to
        /// detect a format in): read again later than that, a line would be too far from its place in time.</summary>
        private const int HoldFor = 64;

        /// <summary>Detections tried that found nothing: then lines no format reads are malformed at once, and lines
        /// longer than the format are read in it (a format that leaves text at every line's end detected no better).</summary>
        private const int MaxDetections = 8;

        /// <summary>Formats read before the current one, the latest first: tried on a line the current one does not read.</summary>
        private const int MaxEarlier = 3;

        private readonly List<ReadAgainLine> _unread = []; // held, not yet counted
        private readonly List<byte[]> _strays = []; // counted malformed, kept to detect a format in
        private readonly List<byte[]> _longer = []; // lines the format read with fields left after it
        private readonly List<AccessLogFormat> _earlier = [];
        private int _sinceUnread;
        private int _failedDetections;
        private readonly byte[] _lastTimeText = new byte[64];
        private int _lastTimeTextLength;
        private AccessField _lastTimeField = AccessField.Ignored;
        private DateTimeOffset _lastTime;
        private bool _lastZoneless;

        public AccessSide(LogFeed feed, IReadOnlyList<LogInput> inputs, AccessLogFormat? format)
            : base(feed, inputs, "access")
        {
            Format = format;
            if (format is null)
            {
                // Detect the format (and the first input's prefix) from the first lines before anything is fed.
                Start();
            }

            Engine.Stats.Format = Format?.Name ?? "unknown";
        }

        /// <summary>The format given, or the one detected from the first input with lines.</summary>
        public AccessLogFormat? Format { get; private set; }

        /// <summary>Whether <see cref="Format"/> was detected rather than given.</summary>
        public bool Detected { get; private set; }

        protected override LinePrefix ChoosePrefix(IReadOnlyList<byte[]> sample)
        {
            if (Format is not null)
            {
                var prefix = LogFormatDetector.ChoosePrefix(sample, Format);
                if (Detected && sample.Count > 0 && LogFormatDetector.Count(sample, Format, prefix) * 2 < sample.Count
                    && LogFormatDetector.DetectWithPrefix(sample) is { Format: { } other } redetected
                    && LogFormatDetector.Count(sample, other, redetected.Prefix) * 2 >= sample.Count)
                {
                    // Each access_log has its log_format: a second file (another virtual host's, or one written after
                    // a reload with a new format) may be in another one. A format nobody gave is detected again for an
                    // input whose lines it mostly does not read.
                    UseFormat(other);
                    return LearnZone(sample, redetected.Prefix);
                }

                return LearnZone(sample, prefix);
            }

            if (sample.Count == 0)
            {
                return LinePrefix.None;
            }

            var detection = LogFormatDetector.DetectWithPrefix(sample);
            (Format, Detected) = (detection.Format, detection.Format is not null);
            Engine.Stats.Format = Format?.Name ?? "unknown";
            return LearnZone(sample, detection.Prefix);
        }

        /// <summary>
        /// Learns the zone from the input's first access line that tells one, before any line is fed: a stream that
        /// carries both logs may open with error lines, whose local times need it.
        /// </summary>
        private LinePrefix LearnZone(IReadOnlyList<byte[]> sample, LinePrefix prefix)
        {
            foreach (var line in Format is null ? [] : sample)
            {
                var start = prefix.IsNone ? 0 : prefix.Strip(line, out _);
                if (Format!.TryParse(line.AsSpan(start), out var entry) && entry.TimeZoneOffset is not null)
                {
                    Engine.LearnErrorLogOffset(in entry);
                    break;
                }
            }

            return prefix;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        protected override FeedResult TryFeed(ReadOnlySpan<byte> line, DateTimeOffset limit, out DateTimeOffset time)
        {
            time = default;
            if ((Format is null || !Format.TryParse(line, out var entry) || !TryGetTime(in entry, out time)) && !TryEarlierFormat(line, out entry, out time))
            {
                if (TryFeedErrorLine(line))
                {
                    return FeedResult.FedAside;
                }

                ContinueOrMalformed(line);
                return FeedResult.NotThisLog;
            }

            AfterErrorLine = false;
            if (_unread.Count > 0 && ++_sinceUnread >= HoldFor)
            {
                CountUnread();
            }

            if (entry.End < line.Length && Detected && !Rereading && _failedDetections < MaxDetections)
            {
                NoteLonger(line, entry.End);
            }

            entry.PrefixTime = PrefixTime;
            var offsetChanged = Engine.LearnErrorLogOffset(in entry);

            // A daylight-saving change: the error line the other side holds was timed under the earlier offset (the
            // hour after a spring-forward read an hour late). Hold this line so that it is timed again before either goes on.
            if (time > limit || offsetChanged)
            {
                return FeedResult.Later;
            }

            Engine.AddAccess(in entry, Format!, time);
            return FeedResult.Fed;
        }

        /// <summary>
        /// A line the current format does not read may be in one read before: two servers of one nginx may write one
        /// file, each with its <c>log_format</c>, and a reload may bring a format back.
        /// </summary>
        private bool TryEarlierFormat(ReadOnlySpan<byte> line, out AccessLogEntry entry, out DateTimeOffset time)
        {
            for (var i = 0; i < _earlier.Count; i++)
            {
                var earlier = _earlier[i];
                if (earlier.TryParse(line, out entry) && TryGetTime(in entry, out time))
                {
                    return true;
                }
            }

            entry = default;
            time = default;
            return false;
        }

        /// <summary>
        /// A line no known format reads. When the format was detected, such lines are held (for <see cref="HoldFor"/>
        /// lines) and read for another format: a reload may give the file a new <c>log_format</c> (one changed to log the
        /// upstream's times while chasing 502s), and two servers may write one file each in its own. When a format reads
        /// most of them, the held ones are read again in it, and so is every later line it reads.
        /// </summary>
        protected override void Unread(ReadOnlySpan<byte> line)
        {
            if (Rereading || (Format is not null && !Detected) || _failedDetections >= MaxDetections)
            {
                Engine.AddMalformed(line, oversized: false);
                return;
            }

            _unread.Add(new ReadAgainLine(line.ToArray(), PrefixTime, RelayedTime, SyslogTime));
            if (_unread.Count + _strays.Count >= LinesToDetect)
            {
                TryAnotherFormat();
            }
        }

        protected override bool InputEnding()
        {
            if (_unread.Count > 0 && _unread.Count + _strays.Count >= TailToDetect && TryAnotherFormat())
            {
                return true;
            }

            CountUnread();
            _strays.Clear();
            return false;
        }

        /// <summary>
        /// A line read with fields after the format's end: a format that appends fields to the detected one (the
        /// upstream's address, status and times, added after a reload to chase a 502) reads in the detected one too,
        /// losing them. When a run of such lines reads in a format that tells more, that one is read from then on
        /// (the detected one still reads the lines it did).
        /// </summary>
        private void NoteLonger(ReadOnlySpan<byte> line, int end)
        {
            if (line[end..].Trim(" \t"u8).IsEmpty)
            {
                return;
            }

            _longer.Add(line.ToArray());
            if (_longer.Count < LinesToDetect)
            {
                return;
            }

            if (LogFormatDetector.Detect(_longer) is { } other && other.Richness > Format!.Richness && LogFormatDetector.Count(_longer, other) * 5 >= _longer.Count * 4)
            {
                UseFormat(other);
            }
            else
            {
                _failedDetections++;
            }

            _longer.Clear();
        }

        /// <summary>
        /// Looks for a format that reads at least four in five of the lines no known format read; the held ones are read
        /// again in it. When none does, they are all counted malformed and forgotten.
        /// </summary>
        private bool TryAnotherFormat()
        {
            var sample = new List<byte[]>(_strays);
            sample.AddRange(_unread.Select(unread => unread.Line));
            if (LogFormatDetector.Detect(sample) is { } other && LogFormatDetector.Count(sample, other) * 5 >= sample.Count * 4)
            {
                UseFormat(other);
                Detected = true;
                ReadAgain(_unread);
                _unread.Clear();
                _strays.Clear();
                _sinceUnread = 0;
                return true;
            }

            _failedDetections++;
            CountUnread();
            _strays.Clear();
            return false;
        }

        /// <summary>Makes <paramref name="other"/> the current format, keeping the one before it to try again.</summary>
        private void UseFormat(AccessLogFormat other)
        {
            if (Format is not null)
            {
                _earlier.Insert(0, Format);
                if (_earlier.Count > MaxEarlier)
                {
                    _earlier.RemoveAt(MaxEarlier);
                }
            }

            Format = other;
            Engine.Stats.Format = other.Name;
        }

        /// <summary>Counts the held lines malformed, keeping the latest to detect a format in.</summary>
        private void CountUnread()
        {
            foreach (var unread in _unread)
            {
                Engine.AddMalformed(unread.Line, oversized: false);
                if (_strays.Count == LinesToDetect)
                {
                    _strays.RemoveAt(0);
                }

                _strays.Add(unread.Line);
            }

            _unread.Clear();
            _sinceUnread = 0;
        }

        /// <summary><see cref="AccessLogEntry.TryGetTime"/>, remembering the last time text read: consecutive
        /// lines mostly share their second, and then the text (and its value) is the same.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private bool TryGetTime(in AccessLogEntry entry, out DateTimeOffset time)
        {
            var text = entry.GetTimeText(out var field);
            if (field == AccessField.Ignored)
            {
                // A log_format without a time (Harbor's, written to syslog): the time the shipper or runtime stamped
                // the line with, which is within a second of nginx's. An RFC 3164 header's has no zone, read like a
                // zoneless time in the error log's offset, and no year: the error log's, when its lines came first.
                time = PrefixTime ?? RelayedTime ?? default;
                if (time == default && SyslogTime is { } clock && Owner.ErrorLogYear() is var year && clock.In(year, Engine.ErrorLogOffset) is { } local)
                {
                    time = (local - Owner._syslogClockAhead).ToUniversalTime();
                    Engine.Stats.ZonelessAccessLines++;
                    Engine.Stats.YearlessAccessLines++;
                    Engine.Stats.YearAssumed = year;
                }

                return time != default;
            }

            if (_lastTimeTextLength > 0 && field == _lastTimeField && text.SequenceEqual(_lastTimeText.AsSpan(0, _lastTimeTextLength)))
            {
                time = _lastTime;
                Engine.Stats.ZonelessAccessLines += _lastZoneless ? 1 : 0;
                return true;
            }

            if (!AccessLogEntry.TryParseTime(text, field, out time))
            {
                return false;
            }

            var zoneless = false;
            if (field == AccessField.TimeIso8601 && NginxTime.OffsetOf(text) is null)
            {
                // A local time without its zone (the format mapped $time_iso8601 into "2026-11-24 10:00:01"): nginx
                // writes the error log in the same local time, so both are read in one offset.
                var utc = time.UtcTicks - Engine.ErrorLogOffset.Ticks;
                if (utc < NginxTime.Earliest.UtcTicks || utc >= NginxTime.Latest.UtcTicks)
                {
                    return false;
                }

                time = new DateTimeOffset(utc, TimeSpan.Zero);
                Engine.Stats.ZonelessAccessLines++;
                zoneless = true;
            }

            if (text.Length <= _lastTimeText.Length)
            {
                text.CopyTo(_lastTimeText);
                (_lastTimeTextLength, _lastTimeField, _lastTime, _lastZoneless) = (text.Length, field, time, zoneless);
            }

            return true;
        }

        protected override void Feed(ReadOnlySpan<byte> line, DateTimeOffset time)
        {
            // Parsing is cheap and allocation-free; doing it again here keeps the entry off the heap.
            Format!.TryParse(line, out var entry);
            entry.PrefixTime = PrefixTime;
            Engine.AddAccess(in entry, Format, time);
        }
    }

    private sealed class ErrorSide : Side
    {
        /// <summary>How much of a wrapped entry is gathered: nginx cuts its error lines at 2048 bytes.</summary>
        private const int MaxWrapped = 4096;

        /// <summary>The narrowest width a wrap at one length is taken for a terminal's (cut mid-word).</summary>
        private const int MinTerminalWidth = 60;

        /// <summary>The time of the line before: nginx's error line's, or an access line's in the same stream.</summary>
        private DateTimeOffset? _lastTime;

        /// <summary>The input's first time (<see cref="FirstTime"/>), for lines pasted without nginx's time before any line with one.</summary>
        private DateTimeOffset? _firstTime;

        /// <summary>No line of this input has a time of its own: <see cref="_firstTime"/> is the access log's.</summary>
        private bool _firstTimeBorrowed;

        /// <summary>The line being fed has no time and none of its log's before it: its time is the access log's first
        /// (<see cref="UntimedLineTime"/>), a guess that says nothing of which request it was.</summary>
        private bool _timeBorrowed;

        /// <summary><see cref="_timeBorrowed"/> of the wrapped entry's first line.</summary>
        private bool _wrappedTimeBorrowed;

        /// <summary>The time a line without nginx's takes: the shipper's, else the line's before it, else (first in its
        /// input) the first line's after it that has one, else the access log's first, else the epoch's start.</summary>
        private DateTimeOffset UntimedLineTime => PrefixTime ?? _lastTime ?? _firstTime ?? DateTimeOffset.UnixEpoch;

        /// <summary>The last error line's local time (as written, no zone), and the offset it was read in, to see the
        /// clock fall back.</summary>
        private DateTime _lastLocal;
        private TimeSpan _lastOffset;

        /// <summary>
        /// After a daylight-saving fall-back seen in the error log itself: the offset in force when its local time went
        /// back, and the one it went to. Until the access log tells another offset, error lines are read in the new one.
        /// </summary>
        private (TimeSpan From, TimeSpan To)? _fallBack;

        /// <summary>The offset this side reads nginx's local times in.</summary>
        private TimeSpan Offset => _fallBack is { } fallBack && fallBack.From == Engine.ErrorLogOffset ? fallBack.To : Engine.ErrorLogOffset;

        // An entry cut where a paste wrapped it (hard-wrapped at a terminal's or an editor's width): nginx's head with a
        // message that stops mid-sentence, and the rest on the lines after it.
        private List<byte>? _wrapped;

        /// <summary>What the wrapped entry's first line held before nginx's time, when anything (3 bytes or more).</summary>
        private byte[] _wrappedLead = [];
        private int _wrappedHead;

        /// <summary>The held entry is nginx's head alone (<c>2025/12/04 13:33:12 [error] </c>): its process id and
        /// message follow on the next line (<c>200#200: *121 upstream sent …</c>), which starts with a digit.</summary>
        private bool _wrappedHeadOnly;

        /// <summary>The held entry has no message: a head alone, or one cut after its connection number
        /// (<c>… [error] 1440#0: *1021901</c>). Whatever went on with it is better than nothing.</summary>
        private bool _wrappedMessageless;
        private DateTimeOffset _wrappedTime;

        /// <summary>The held entry's first line's length, and the last line's that went on with it: lines all cut at
        /// one width (a terminal's, 80 or 120 columns) were wrapped mid-word, without a space to put back. One line
        /// of that length does not show it (an editor or a mail wraps at a space it drops, at about that width too):
        /// a second one does, and the width it shows holds for the input's later entries.</summary>
        private int _wrappedWidth;
        private int _wrappedLast;
        private int _terminalWidth;

        /// <summary>Where the entry's lines were joined with nothing between them, taken for a terminal's cuts.</summary>
        private readonly List<int> _bareSeams = [];

        /// <summary>Where the space put between the head and its first continuation is, while a terminal's width may
        /// still take it back; -1 when there is none.</summary>
        private int _firstJoinSpace = -1;

        /// <summary>An earlier break of the entry kept its blank at the end of the line (an editor's wrap at a space):
        /// a break without one inside a word or a path (<see cref="InToken"/> either side) was cut there, where the
        /// word was too long for the width. After a comma or a colon nginx wrote a blank, which the break dropped.</summary>
        private bool _wrapKeepsBlanks;

        /// <summary>The held entry was quoted (markdown's or a mail's <c>&gt; </c> before it): a quote marks every line of
        /// the paste, so the lines that go on with it carry the marker too, and it is no part of what nginx wrote.</summary>
        private bool _wrappedQuoted;

        /// <summary>
        /// The text ends inside the quoted value of <c>upstream:</c> or <c>host:</c>, which hold no blank (an address
        /// and URI nginx sent, a Host it accepted): a wrap there cut a word, and the next line goes on without one.
        /// </summary>
        private static bool InSpacelessValue(ReadOnlySpan<byte> text)
        {
            var key = Math.Max(text.LastIndexOf(", upstream: \""u8), text.LastIndexOf(", host: \""u8));
            if (key < 0)
            {
                return false;
            }

            var value = text[key..];
            value = value[(value.IndexOf((byte)'"') + 1)..];
            return value.IndexOfAny((byte)'"', (byte)' ') < 0;
        }

        /// <summary>
        /// The text stops inside the <c>client:</c> address, its last field (<c>…, client: 162.</c>): nginx writes the
        /// server after the client on every line about a connection (ngx_http_log_error), so a line that ends there was
        /// cut, and the address goes on at the next line's start, without a space (an address holds none).
        /// </summary>
        private static bool InClientAddress(ReadOnlySpan<byte> text)
        {
            var key = text.LastIndexOf(", client: "u8);
            if (key < 0)
            {
                return false;
            }

            var value = text[(key + ", client: ".Length)..];
            return !value.IsEmpty && value.IndexOfAnyExcept("0123456789abcdefABCDEF.:"u8) < 0;
        }

        private static bool InToken(byte b) => char.IsAsciiLetterOrDigit((char)b) || b is (byte)'/' or (byte)'.' or (byte)'_' or (byte)'-';

        /// <summary>The length of a quote's marker at the start of a line: up to three blanks, then <c>&gt;</c> once or
        /// nested (<c>&gt; &gt; </c>, <c>&gt;&gt;</c>), each with the blank after it; 0 when the line is not quoted.</summary>
        private static int QuoteMarker(ReadOnlySpan<byte> line)
        {
            var i = 0;
            while (i < line.Length && i < 3 && line[i] == ' ')
            {
                i++;
            }

            if (i == line.Length || line[i] != '>')
            {
                return 0;
            }

            while (i < line.Length && line[i] == '>')
            {
                i++;
                if (i < line.Length && line[i] == ' ')
                {
                    i++;
                }
            }

            return i;
        }

        public ErrorSide(LogFeed feed, IReadOnlyList<LogInput> inputs)
            : base(feed, inputs, "error")
        {
        }

        protected override LinePrefix ChoosePrefix(IReadOnlyList<byte[]> sample)
        {
            var prefix = LinePrefix.Choose(sample, ErrorLogParser.IsErrorLogLine);
            if (Owner.Format is null && Owner._access.Count == 0)
            {
                prefix = DetectAccessLines(sample, prefix);
            }

            LearnOffsetAhead(sample, prefix);
            _firstTime = FirstTime(sample, prefix);
            _firstTimeBorrowed = _firstTime is null && Owner._accessFirstTime is not null;
            _firstTime ??= Owner._accessFirstTime;
            _lastLocal = default;
            return prefix;
        }

        /// <summary>
        /// The offset the first lines' stamps tell (<see cref="DiagnosisEngine.LearnErrorLogOffset(ReadOnlySpan{byte}, DateTimeOffset, bool)"/>),
        /// learned before any line is read: a paste whose first lines lost their wrapper's stamp (<c>kubectl logs
        /// --timestamps</c> copied in part) reads them in the zone its stamped lines tell, as it reads those after them.
        /// </summary>
        private void LearnOffsetAhead(IReadOnlyList<byte[]> sample, LinePrefix prefix)
        {
            if (prefix.IsNone || Engine.ErrorLogOffsetConfigured || Engine.State.ErrorLogOffset is not null)
            {
                return;
            }

            foreach (var line in sample)
            {
                var text = line.AsSpan(prefix.Strip(line, out var time, out var relayed, out _));
                if ((time ?? relayed) is { } stamped && ErrorLogParser.TryParse(text, null, out var entry) && entry.Timestamp.Length > 0)
                {
                    Engine.LearnErrorLogOffset(entry.Timestamp, stamped, relayed: time is null);
                    if (Engine.Stats.ErrorLogOffsetSource.Length > 0)
                    {
                        return;
                    }
                }
            }
        }

        /// <summary>The time of the sample's first line that has one: an error line's, or an access line's in a stream
        /// carrying both.</summary>
        private DateTimeOffset? FirstTime(IReadOnlyList<byte[]> sample, LinePrefix prefix)
        {
            foreach (var line in sample)
            {
                var text = prefix.IsNone ? line : line[prefix.Strip(line, out _)..];
                if (ErrorLogParser.TryParseAnywhere(text, null, out var entry))
                {
                    if (NginxTime.TryParseErrorLogTime(entry.Timestamp, Engine.ErrorLogOffset, out var time))
                    {
                        return time;
                    }
                }
                else if (Owner.Format is { } format && format.TryParse(text, out var access) && access.TryGetTime(out var accessTime))
                {
                    return accessTime;
                }
            }

            return null;
        }

        /// <summary>
        /// An error log given alone may be one stream carrying both logs (<c>docker logs</c> of the official image, a
        /// compose paste, a syslog file): its lines that are not nginx's error lines are read with the access format
        /// detected from them, the way the access side reads the error lines of its stream. Only a format that reads
        /// access lines with nginx's own layout (a preset), or three or more lines of one inferred template, is taken:
        /// an application server's lines between nginx's (gunicorn's, PHP-FPM's) are not an access log. A stream with no
        /// error line at all (an access log given as the error log) is read behind the prefix its access lines carry,
        /// which is returned; otherwise the error lines' prefix stands.
        /// </summary>
        private LinePrefix DetectAccessLines(IReadOnlyList<byte[]> sample, LinePrefix prefix)
        {
            var others = new List<byte[]>();
            foreach (var line in sample)
            {
                var text = prefix.IsNone ? line : line[prefix.Strip(line, out _)..];
                if (!ErrorLogParser.TryParseAnywhere(text, null, out _) && !ErrorLogParser.TryParseStderr(text, out _))
                {
                    others.Add(text);
                }
            }

            if (others.Count == 0)
            {
                return prefix;
            }

            AccessLogFormat? format;
            if (others.Count == sample.Count && LogFormatDetector.DetectWithPrefix(sample) is { Format: { } behind } detection)
            {
                (format, prefix, others) = (behind, detection.Prefix, [.. sample.Select(line => line[detection.Prefix.Strip(line, out _)..])]);
            }
            else
            {
                format = LogFormatDetector.Detect(others);
            }

            if (format is null)
            {
                return prefix;
            }

            var read = LogFormatDetector.Count(others, format);
            if (read == 0 || (read < 3 && !AccessLogFormat.PresetNames.Contains(format.Name)))
            {
                return prefix;
            }

            Owner.Format = format;
            Owner.FormatDetected = true;
            Engine.Stats.Format = format.Name;
            foreach (var line in others)
            {
                // The error lines' local times are read in the access lines' zone: nginx writes both in its own.
                if (format.TryParse(line, out var entry) && entry.TimeZoneOffset is not null)
                {
                    Engine.LearnErrorLogOffset(in entry);
                    break;
                }
            }

            return prefix;
        }

        protected override DateTimeOffset? Retime(ReadOnlySpan<byte> line) =>
            ErrorLogParser.TryParseAnywhere(line, PrefixTime, out var entry) && NginxTime.TryParseErrorLogTime(entry.Timestamp, Offset, out var time)
                ? time
                : null;

        /// <summary>
        /// nginx writes its error log in the order things happen, in local time: a line whose local time is just under a
        /// daylight-saving change (30 minutes on Lord Howe Island, an hour nearly everywhere, two at Troll) before the
        /// line above it was written after the clock fell back at the end of daylight saving (the hour repeats). Its
        /// offset is the one before less the change, the least that puts the line after the one above. The access log,
        /// whose lines carry their offset, tells the same once its lines reach the change; until then this one holds.
        /// </summary>
        private void SeeFallBack(ReadOnlySpan<byte> timestamp)
        {
            if (Engine.ErrorLogOffsetConfigured || !NginxTime.TryParseErrorLogTime(timestamp, TimeSpan.Zero, out var written))
            {
                return;
            }

            var local = written.UtcDateTime;
            var back = _lastLocal - local;
            var change = back <= TimeSpan.FromMinutes(30) ? TimeSpan.FromMinutes(30) : back <= TimeSpan.FromHours(1) ? TimeSpan.FromHours(1) : TimeSpan.FromHours(2);
            if (_lastLocal != default && back >= MinFallBack && back <= MaxFallBack && change - back <= MaxGapAcrossFallBack
                && Offset >= _lastOffset)
            {
                // Not yet told by the access log (whose lines past the change would have lowered the offset already).
                _fallBack = (Engine.ErrorLogOffset, Offset - change);
            }

            (_lastLocal, _lastOffset) = (local, Offset);
        }

        /// <summary>Less than this back is nginx's workers writing a moment out of order, not the clock.</summary>
        private static readonly TimeSpan MinFallBack = TimeSpan.FromMinutes(5);

        /// <summary>No daylight-saving change is larger: more is another day's log, or files out of order.</summary>
        private static readonly TimeSpan MaxFallBack = TimeSpan.FromHours(2);

        /// <summary>
        /// How long the log may have been quiet across the change for the jump to be read as one: the jump back is the
        /// change less that silence. Other jumps (several pods' or files' lines one after another in one input) land
        /// anywhere; a fall-back across a longer silence is left to the access log's offset, as before.
        /// </summary>
        private static readonly TimeSpan MaxGapAcrossFallBack = TimeSpan.FromMinutes(10);

        protected override FeedResult TryFeed(ReadOnlySpan<byte> line, DateTimeOffset limit, out DateTimeOffset time)
        {
            time = default;
            var head = ErrorLogParser.TryParseAnywhere(line, PrefixTime, out var entry);
            if (_wrapped is not null)
            {
                var content = _wrappedQuoted ? line[QuoteMarker(line)..] : line;
                if (!head && _wrapped.Count < MaxWrapped && ContinuesWrapped(content))
                {
                    // Longer than the width the lines before were taken to be cut at: no terminal cut them, an editor
                    // wrapped them at spaces it dropped (two lines of one length by chance).
                    var overWidth = line.Length > _wrappedWidth;
                    if (overWidth)
                    {
                        for (var i = _bareSeams.Count - 1; i >= 0; i--)
                        {
                            _wrapped.Insert(_bareSeams[i], (byte)' ');
                        }

                        _bareSeams.Clear();
                        _terminalWidth = _terminalWidth == _wrappedWidth ? 0 : _terminalWidth;
                    }

                    var first = _wrappedLast == _wrappedWidth && _wrapped.Count == _wrappedHead;
                    if (!first && !overWidth && _firstJoinSpace >= 0 && _wrappedLast == _wrappedWidth)
                    {
                        // The first continuation was as long as the head: both cut at a terminal's width.
                        _wrapped.RemoveAt(_firstJoinSpace);
                        _bareSeams.Add(_firstJoinSpace);
                        _terminalWidth = _wrappedWidth;
                    }

                    _firstJoinSpace = -1;
                    if (!overWidth && _wrappedWidth >= MinTerminalWidth && _wrappedLast == _wrappedWidth && (!first || _terminalWidth == _wrappedWidth))
                    {
                        _bareSeams.Add(_wrapped.Count);
                        _wrapped.AddRange(content.TrimEnd(" \t"u8));
                    }
                    else
                    {
                        var blanks = TrailingBlanks();
                        _wrapped.RemoveRange(_wrapped.Count - blanks, blanks);
                        _firstJoinSpace = first && _wrappedWidth >= MinTerminalWidth && blanks == 0 ? _wrapped.Count : -1;
                        var rest = content.Trim(" \t"u8);
                        // Inside a quoted upstream or host, which hold no space, the cut fell mid-value wherever it
                        // fell ("10.0.0.100:" / "8080\"").
                        var cutMidWord = blanks == 0 && _wrapped.Count > 0 && rest.Length > 0
                            && ((InToken(_wrapped[^1]) && InToken(rest[0]) && _wrapKeepsBlanks) || InSpacelessValue(CollectionsMarshal.AsSpan(_wrapped))
                                || InClientAddress(CollectionsMarshal.AsSpan(_wrapped)));
                        if (cutMidWord)
                        {
                            // No space to take back should the next line show a terminal's width.
                            _firstJoinSpace = -1;
                        }
                        else
                        {
                            _wrapped.Add((byte)' ');
                        }

                        _wrapKeepsBlanks |= blanks > 0;
                        _wrapped.AddRange(rest);
                    }

                    _wrappedLast = line.Length;
                    Engine.AddContinuation();
                    return FeedResult.NotThisLog;
                }

                FeedWrapped();
            }

            if (head && (PrefixTime ?? RelayedTime) is { } stamped)
            {
                Engine.LearnErrorLogOffset(entry.Timestamp, stamped, relayed: PrefixTime is null);
            }

            if (entry.Timestamp.Length > 0)
            {
                SeeFallBack(entry.Timestamp);
            }

            var timed = entry.Timestamp.Length > 0 && NginxTime.TryParseErrorLogTime(entry.Timestamp, Offset, out time);
            _timeBorrowed = false;
            if (timed)
            {
                _lastTime = time;
            }
            else if (ErrorLogParser.TryParseHeadless(line, out entry))
            {
                // Pasted without nginx's time, or with a placeholder in its shape (a document's "YYYY/MM/DD HH:mm:ss").
                time = UntimedLineTime;
                _timeBorrowed = PrefixTime is null && _lastTime is null && _firstTimeBorrowed;
                Engine.Stats.UntimedErrorLines++;
                timed = true;
            }

            if (timed)
            {
                AfterErrorLine = true;
                if (time > limit)
                {
                    return FeedResult.Later;
                }

                AddOrHold(line, in entry, time);
                return FeedResult.Fed;
            }

            if (ErrorLogParser.TryParseStderr(line, out var stderr))
            {
                // nginx's stderr carries no time of its own (the error log's line of the same start is written just
                // before it).
                Engine.Stats.ErrorLines++;
                Engine.AddConfigMessage(stderr, UntimedLineTime, line);
                NoteStderrEcho(UntimedLineTime);
                return FeedResult.FedAside;
            }

            // An access line in the error log's stream (one stream carries both): read with the access log's format.
            if (Owner.Format is { } format && format.TryParse(line, out var access) && access.TryGetTime(out var accessTime))
            {
                AfterErrorLine = false;
                _lastTime = accessTime;
                access.PrefixTime = PrefixTime;
                Engine.LearnErrorLogOffset(in access);
                if (Engine.Stats.ErrorLines == 0)
                {
                    // The stream's error lines, if any, begin later: until then nginx's silence says nothing, as it
                    // says nothing in such a stream given as the access log.
                    Engine.State.ErrorLogGiven = false;
                }

                Engine.AddAccess(in access, format, accessTime);
                return FeedResult.FedAside;
            }

            var counted = ContinueOrMalformed(line);
            if (!AfterErrorLine && Engine.Stats.ErrorLines == 0)
            {
                // Lines, but none of nginx's yet: this is not an error log that nginx kept silent through a failure.
                Engine.State.ErrorLogGiven = false;
            }

            return counted ? FeedResult.FedAside : FeedResult.NotThisLog;
        }

        protected override void Feed(ReadOnlySpan<byte> line, DateTimeOffset time)
        {
            if (ErrorLogParser.TryParseAnywhere(line, PrefixTime, out var entry) || ErrorLogParser.TryParseHeadless(line, out entry))
            {
                AddOrHold(line, in entry, time);
            }
        }

        protected override void EndOfInput()
        {
            if (_wrapped is not null)
            {
                FeedWrapped();
            }
        }

        /// <summary>
        /// Gives the entry to the engine, unless its timed message stops mid-sentence with none of a request's context
        /// after it (a parenthesis left open, "connect() to" at the end of the line), or is a request's failure without
        /// the phase nginx puts after it (<c>*34 recv() failed (104: …)</c>, then <c>while reading response header from
        /// upstream, client: …</c> on the next line of a paste): the lines after it may be its rest, so it waits for
        /// them (<see cref="FeedWrapped"/>).
        /// </summary>
        private void AddOrHold(ReadOnlySpan<byte> line, in ErrorLogLine entry, DateTimeOffset time)
        {
            NoteEmerg(in entry);
            var message = entry.Message;
            // nginx writes a request's line whole: its context (client:, request:, host:) after the message, every
            // quote closed (a value's quotes are escaped). A connection's line without its client, or one that leaves
            // a quote open, or a fragment pasted from the level on that stops inside its phase ("… while reading"), was
            // cut by whoever wrapped the paste.
            // A head alone, or a line without nginx's time (a fragment pasted from the level on) whose context went to
            // the lines after it (one field a line: "client: …," then "server: …,") is held for them too.
            // nginx separates the phase and each context field from the next with ", " and ends its line with the last
            // field's value: a line that ends with the comma was cut before the field after it ("… from upstream, " then
            // "client: …, server: …" on the lines a docker log or a paste broke it into).
            var cut = (entry.ConnectionId >= 0 && entry.Client.IsEmpty) || line.Count((byte)'"') % 2 == 1 || ErrorLogParser.ContextCutShort(in entry)
                || (entry.Client.IsEmpty && entry.Upstream.IsEmpty && ErrorLogParser.PhaseCutShort(message))
                || line.TrimEnd(" \t"u8).EndsWith(","u8);
            // nginx writes its head and the message on one line, so a timed head without a message (cut after the
            // level, or after "pid#tid: *cid") was wrapped by whoever pasted it.
            var headOnly = message.IsEmpty && !entry.Timestamp.IsEmpty;
            if ((entry.Timestamp.IsEmpty && !cut) || (message.IsEmpty && !headOnly)
                || (!cut && !headOnly && (!entry.Client.IsEmpty
                    || (message.Count((byte)'(') <= message.Count((byte)')') && !line.EndsWith(" "u8) && !message.EndsWith(" to"u8)
                        && !(entry.ConnectionId >= 0 && message.EndsWith(")"u8) && message.IndexOf(" failed ("u8) > 0 && ErrorLogParser.Phase(message).IsEmpty)))))
            {
                Engine.AddError(in entry, time, _timeBorrowed);
                return;
            }

            _wrapped = [.. line];
            _wrappedLead = entry.Timestamp.IsEmpty || line.IndexOf(entry.Timestamp) is not (>= 3 and var lead) ? [] : line[..lead].ToArray();
            _wrappedTimeBorrowed = _timeBorrowed;
            _wrappedHead = _wrapped.Count;
            _wrappedHeadOnly = headOnly && entry.ConnectionId < 0;
            _wrappedMessageless = headOnly;
            _wrappedWidth = _wrappedLast = line.Length;
            _firstJoinSpace = -1;
            _bareSeams.Clear();
            _wrapKeepsBlanks = false;
            _wrappedQuoted = QuoteMarker(line) > 0;
            _wrappedTime = time;
        }

        private int TrailingBlanks()
        {
            var count = 0;
            while (count < _wrapped!.Count && _wrapped[^(count + 1)] is (byte)' ' or (byte)'\t')
            {
                count++;
            }

            return count;
        }

        /// <summary>A line that goes on with a wrapped entry: text that is none of nginx's heads (a level, a connection
        /// number, a process id), no message nginx wrote to stderr and no access line.</summary>
        private bool ContinuesWrapped(ReadOnlySpan<byte> line)
        {
            var text = line.TrimStart(" \t"u8);
            if (_wrappedHeadOnly && _wrapped!.Count == _wrappedHead)
            {
                // nginx's head went on after its level: "pid#tid: *cid message".
                return ErrorLogParser.StartsWithProcessId(text);
            }

            // Text the entry's own line began with before nginx's time (a container's name, `web_1  | `, that no
            // prefix was taken off for: its wrapped lines do not carry it) begins the stream's next line.
            if (_wrappedLead.Length > 0 && line.StartsWith(_wrappedLead))
            {
                return false;
            }

            // A digit starts a head pasted without its date ("12 [error] …"), unless the line before was cut at the
            // width this input's lines are wrapped at (the terminal's, or the head's when a line went on at it already):
            // then the cut fell inside a number ("…127.0.0.1:" / "22001/"). `tail` of several files heads each file's
            // lines with "==> NAME <==": the next file's, never this entry's.
            var cutInside = _wrappedWidth >= MinTerminalWidth && _wrappedLast == _wrappedWidth
                && (_terminalWidth == _wrappedWidth || _wrapped!.Count > _wrappedHead);
            // So does a line before it that ends with a context's key ("client: "): its value comes next.
            var keyBefore = CollectionsMarshal.AsSpan(_wrapped).TrimEnd(" \t"u8).EndsWith(":"u8);
            // And one that leaves a quote open: nginx closes every value it quotes, so the cut fell inside one
            // ("request: \"GET /path HTTP/" then "1.1\", upstream: …").
            var inQuote = CollectionsMarshal.AsSpan(_wrapped).Count((byte)'"') % 2 == 1;
            // And one that stops inside the client's address ("client: 162." then "159.98.161, server: …"): nginx
            // writes the server after it, always.
            var inClient = InClientAddress(CollectionsMarshal.AsSpan(_wrapped));
            return !text.IsEmpty && text[0] != '[' && text[0] != '*' && (cutInside || keyBefore || inQuote || inClient || !char.IsAsciiDigit((char)text[0]))
                && !text.StartsWith("==> "u8)
                && !ErrorLogParser.StartsTryMessage(text)
                && !ErrorLogParser.TryParseStderr(line, out _)
                && !(Owner.Format is { } format && format.TryParse(line, out _));
        }

        /// <summary>
        /// Gives the held entry to the engine: joined with the lines that went on with it when that gave it its
        /// request's context (a paste may blank the client's address, <c>client:, server: …</c>, and keep the rest), or
        /// its message when the first line had none; else as its first line was read.
        /// </summary>
        private void FeedWrapped()
        {
            var joined = CollectionsMarshal.AsSpan(_wrapped);
            _wrapped = null;
            if (!(Parse(joined, out var entry) && (_wrappedMessageless || HasContext(in entry) || OpenAtItsEnd(joined[.._wrappedHead]))))
            {
                Parse(joined[.._wrappedHead], out entry);
            }

            static bool Parse(ReadOnlySpan<byte> text, out ErrorLogLine entry) =>
                ErrorLogParser.TryParseAnywhere(text, null, out entry) || ErrorLogParser.TryParseHeadless(text, out entry);

            static bool HasContext(in ErrorLogLine entry) =>
                !entry.Client.IsEmpty || !entry.Server.IsEmpty || !entry.Request.IsEmpty || !entry.Upstream.IsEmpty;

            // A first line that ends inside a list or a parenthesis it opened (Kong's "Tried: [" and the names on the
            // lines after it) was cut there: what went on with it is its message's rest, context or not.
            static bool OpenAtItsEnd(ReadOnlySpan<byte> head) => head.TrimEnd(" \t"u8) is [.., (byte)'[' or (byte)'('];

            Engine.AddError(in entry, _wrappedTime, _wrappedTimeBorrowed);
        }
    }
}
