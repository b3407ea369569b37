namespace FunctionsApp.IntegrationTests.Nginx.Corpus;

/// <summary>
/// Turns what the generator provoked into labels, checked against the lines nginx wrote: each failure window must
/// show at least <see cref="MinFailedRequests"/> gateway statuses on its location and one of its error texts at least
/// 3 times, and no other location may show 3 or more gateway statuses within a minute (that would be an incident
/// nobody labelled).
/// </summary>
internal static class CaseLabeler
{
    public const int MinFailedRequests = 5;

    /// <summary>How far around a window a failed request still belongs to it (windows of one failure are minutes apart).</summary>
    private static readonly TimeSpan WindowMargin = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The cause nginx's lines can show. An application server's own timeout (gunicorn <c>--timeout</c>, uWSGI
    /// <c>harakiri</c>, PHP-FPM <c>request_terminate_timeout</c>) reaches nginx as a connection closed mid-response:
    /// only the failed requests' times, clustered at the limit, tell it from any other broken response, so a format
    /// that logs no time (neither <c>$upstream_response_time</c> nor <c>$request_time</c>) shows an invalid response.
    /// </summary>
    internal static string CauseTheLogsShow(FailureKind kind, string format) =>
        kind is { Cause: "timeout", Status: 502 } && !format.Contains("$upstream_response_time", StringComparison.Ordinal)
            && !format.Contains("$request_time", StringComparison.Ordinal)
            ? "invalid_response"
            : kind.Cause;

    /// <summary>Labels the failures of a case.</summary>
    /// <param name="draw">The case's draw.</param>
    /// <param name="failures">The failures as set up.</param>
    /// <param name="started">When traffic started (second 0 of every window).</param>
    /// <param name="accessLines">nginx's access lines (without any prefix or syslog header).</param>
    /// <param name="errorLines">nginx's error lines (without any prefix or syslog header).</param>
    public static IReadOnlyList<CaseLabel> Label(
        CaseDraw draw, IReadOnlyList<FailureSetup> failures, DateTimeOffset started, string[] accessLines, string[] errorLines)
    {
        var reader = new AccessLineReader(draw.Format.Format);
        var entries = new List<AccessLineReader.Entry>();
        var unreadable = new List<string>();
        foreach (var line in accessLines)
        {
            if (reader.Read(line) is { } entry)
            {
                entries.Add(entry);
            }
            else
            {
                unreadable.Add(line);
            }
        }

        if (unreadable.Count > 0)
        {
            throw new CaseCheckException(
                $"{unreadable.Count} of {accessLines.Length} access lines do not match the drawn format {draw.Format.Format}; first: {unreadable[0]}");
        }

        var labels = new List<CaseLabel>();
        foreach (var failure in failures)
        {
            var failureDraw = failure.Draw;
            var name = $"{failureDraw.Id} {failureDraw.Kind.Name} on {failureDraw.Host}{failureDraw.Path}";
            var failed = entries.Where(e => e.Path.StartsWith(failureDraw.Path, StringComparison.Ordinal) && e.Status is 502 or 503 or 504).ToList();
            if (failureDraw.Kind.ErrorTexts is { } texts)
            {
                var matching = errorLines.Count(l => texts.Any(t => l.Contains(t, StringComparison.Ordinal))
                                                     && l.Contains($"host: \"{failureDraw.Host}\"", StringComparison.Ordinal));
                if (matching < 3 * failureDraw.Windows.Count)
                {
                    throw new CaseCheckException($"{name}: one of '{string.Join("', '", texts)}' in {matching} error lines, {3 * failureDraw.Windows.Count} needed.");
                }
            }

            foreach (var window in failureDraw.Windows)
            {
                // One window: every failed request of the location. Several: those around each window.
                var inWindow = failureDraw.Windows.Count == 1
                    ? failed
                    : [.. failed.Where(e => e.Time >= started.AddSeconds(window.Start) - WindowMargin && e.Time <= started.AddSeconds(window.End) + WindowMargin)];
                if (inWindow.Count < MinFailedRequests)
                {
                    throw new CaseCheckException($"{name}, window {window.Start}–{window.End} s: {inWindow.Count} gateway statuses logged, {MinFailedRequests} needed.");
                }

                var status = inWindow.GroupBy(e => e.Status).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First().Key;
                if (status != failureDraw.Status && failureDraw.Kind.Name != "stalled")
                {
                    throw new CaseCheckException($"{name}: clients mostly saw {status}, the kind expects {failureDraw.Status}.");
                }

                labels.Add(new CaseLabel(
                    failureDraw.Host,
                    failure.Upstream,
                    failure.Alternates,
                    CauseTheLogsShow(failureDraw.Kind, draw.Format.Format),
                    status,
                    inWindow.Min(e => e.Time).ToUniversalTime(),
                    inWindow.Max(e => e.Time).ToUniversalTime(),
                    failureDraw.Kind.Name,
                    inWindow.Count,
                    failureDraw.Path,
                    failure.Detail));
            }

            if (failureDraw.Windows.Count > 1 && failed.Count != labels.TakeLast(failureDraw.Windows.Count).Sum(l => l.FailedRequests))
            {
                throw new CaseCheckException($"{name}: gateway statuses outside its windows.");
            }
        }

        // Gateway statuses anywhere else must stay below an incident's threshold (3 within 60 s).
        var unlabelled = entries
            .Where(e => e.Status is 502 or 503 or 504 && !failures.Any(f => e.Path.StartsWith(f.Draw.Path, StringComparison.Ordinal)))
            .OrderBy(e => e.Time)
            .ToList();
        for (var i = 0; i + 2 < unlabelled.Count; i++)
        {
            if (unlabelled[i + 2].Time - unlabelled[i].Time <= TimeSpan.FromSeconds(60))
            {
                throw new CaseCheckException($"Unlabelled gateway errors: 3 within 60 s from {unlabelled[i].Time:O} on {unlabelled[i].Path}.");
            }
        }

        return labels;
    }
}
