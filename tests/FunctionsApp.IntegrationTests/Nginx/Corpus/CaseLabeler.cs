namespace FunctionsApp.IntegrationTests.Nginx.Corpus;

/// <summary>
/// Turns what the generator provoked into labels, checked against the lines nginx wrote: each failure must show at
/// least <see cref="MinFailedRequests"/> gateway statuses on its location and its error text at least 3 times, and no
/// other location may show 3 or more gateway statuses within a minute (that would be an incident nobody labelled).
/// </summary>
internal static class CaseLabeler
{
    public const int MinFailedRequests = 5;

    public static IReadOnlyList<CaseLabel> Label(CaseDraw draw, IReadOnlyList<FailureSetup> failures, string[] accessLines, string[] errorLines)
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
            var draw1 = failure.Draw;
            var failed = entries.Where(e => e.Path.StartsWith(draw1.Path, StringComparison.Ordinal) && e.Status is 502 or 503 or 504).ToList();
            if (failed.Count < MinFailedRequests)
            {
                throw new CaseCheckException($"{draw1.Id} {draw1.Kind.Name} on {draw1.Host}{draw1.Path}: {failed.Count} gateway statuses logged, {MinFailedRequests} needed.");
            }

            if (draw1.Kind.ErrorText is { } text)
            {
                var matching = errorLines.Count(l => l.Contains(text, StringComparison.Ordinal) && l.Contains($"host: \"{draw1.Host}\"", StringComparison.Ordinal));
                if (matching < 3)
                {
                    throw new CaseCheckException($"{draw1.Id} {draw1.Kind.Name} on {draw1.Host}{draw1.Path}: '{text}' in {matching} error lines, 3 needed.");
                }
            }

            var status = failed.GroupBy(e => e.Status).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First().Key;
            if (status != draw1.Status && draw1.Kind.Name != "stalled")
            {
                throw new CaseCheckException($"{draw1.Id} {draw1.Kind.Name}: clients mostly saw {status}, the kind expects {draw1.Status}.");
            }

            labels.Add(new CaseLabel(
                draw1.Host,
                failure.Upstream,
                failure.Alternates,
                draw1.Kind.Cause,
                status,
                failed.Min(e => e.Time).ToUniversalTime(),
                failed.Max(e => e.Time).ToUniversalTime(),
                draw1.Kind.Name,
                failed.Count,
                draw1.Path));
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
