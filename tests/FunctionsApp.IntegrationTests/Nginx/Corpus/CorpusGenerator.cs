using System.Text.Json;

namespace FunctionsApp.IntegrationTests.Nginx.Corpus;

/// <summary>What to generate.</summary>
/// <param name="Directory">Where the cases go (<c>DIR/CASE-ID/…</c>).</param>
/// <param name="Seed">The corpus seed: same seed, same draws.</param>
/// <param name="Cases">How many cases.</param>
/// <param name="Concurrency">Cases running at once (each is its own nginx).</param>
/// <param name="Kinds">Failure kinds to draw from.</param>
/// <param name="Families">Format families to draw from; all when null.</param>
/// <param name="Loggings">Logging paths to draw from.</param>
/// <param name="DurationSeconds">Case length; drawn when null.</param>
/// <param name="FirstIndex">Index of the first case (to extend a corpus).</param>
internal sealed record CorpusOptions(
    string Directory,
    int Seed,
    int Cases,
    int Concurrency,
    IReadOnlyList<FailureKind> Kinds,
    IReadOnlyList<string>? Families,
    IReadOnlyList<string> Loggings,
    int? DurationSeconds,
    int FirstIndex = 0);

/// <summary>Generates a corpus: cases run concurrently; a case whose labels fail their checks is drawn again (up to 3 draws).</summary>
internal static class CorpusGenerator
{
    public const int MaxAttempts = 3;

    public static async Task<IReadOnlyList<CaseManifest>> GenerateAsync(
        CorpusOptions options, TimeProvider time, TextWriter log, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(options.Directory);
        using var slots = new SemaphoreSlim(options.Concurrency);
        var tasks = Enumerable.Range(options.FirstIndex, options.Cases).Select(async index =>
        {
            await slots.WaitAsync(cancellationToken);
            try
            {
                return await GenerateCaseAsync(options, index, time, log, cancellationToken);
            }
            finally
            {
                slots.Release();
            }
        }).ToList();
        var manifests = (await Task.WhenAll(tasks)).OfType<CaseManifest>().ToList();
        var summary = new
        {
            seed = options.Seed,
            cases = manifests.Count,
            requested = options.Cases,
            incidents = manifests.Sum(m => m.Incidents.Count),
            families = manifests.Select(m => m.FormatFamily).Distinct().Order().ToArray(),
            timeZones = manifests.Select(m => m.TimeZone).Distinct().Order().ToArray(),
            causes = manifests.SelectMany(m => m.Incidents).GroupBy(l => l.Cause).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count()),
            scenarios = manifests.SelectMany(m => m.Incidents).GroupBy(l => l.Scenario).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count()),
            prefixes = manifests.GroupBy(m => $"{m.Logging}/{m.Prefix}").OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count()),
            redrawn = manifests.Count(m => m.Attempt > 0),
        };
        await File.WriteAllTextAsync(
            Path.Combine(options.Directory, "corpus.json"), JsonSerializer.Serialize(summary, CaseManifest.JsonOptions), cancellationToken);
        return manifests;
    }

    private static async Task<CaseManifest?> GenerateCaseAsync(
        CorpusOptions options, int index, TimeProvider time, TextWriter log, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var draw = CaseDraw.Create(options.Seed, index, attempt, options.Kinds, options.Families, options.Loggings, options.DurationSeconds);
            var directory = Path.Combine(options.Directory, draw.Id);
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }

            try
            {
                var manifest = await CorpusCaseRunner.RunAsync(draw, directory, time, cancellationToken);
                await WriteLineAsync(log, $"{draw.Id}: {draw.Format.Family}, {draw.TimeZone}, {draw.Logging}, prefix {manifest.Prefix}: "
                    + string.Join(", ", manifest.Incidents.Select(l => $"{l.Scenario}→{l.Cause}/{l.Status} x{l.FailedRequests}")));
                return manifest;
            }
            catch (Exception e) when (e is CaseCheckException || !cancellationToken.IsCancellationRequested)
            {
                // A check that failed, or a server that did not start in time on a busy machine: draw the case again.
                var why = e is CaseCheckException ? e.Message : $"{e.GetType().Name}: {e.Message}";
                await WriteLineAsync(log, $"{draw.Id} attempt {attempt + 1}: dropped, {why}");
                if (Directory.Exists(directory))
                {
                    Directory.Delete(directory, recursive: true);
                }
            }
        }

        await WriteLineAsync(log, $"case {index}: no draw passed its checks in {MaxAttempts} attempts; left out.");
        return null;
    }

    private static Task WriteLineAsync(TextWriter log, string line)
    {
        // Cases finish concurrently; keep their lines whole.
        lock (log)
        {
            log.WriteLine(line);
            log.Flush();
        }

        return Task.CompletedTask;
    }
}
