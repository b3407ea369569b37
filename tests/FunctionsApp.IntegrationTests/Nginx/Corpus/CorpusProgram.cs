using System.Diagnostics;
using System.Globalization;

namespace FunctionsApp.IntegrationTests.Nginx.Corpus;

/// <summary>
/// <c>scripts/corpus</c> and <c>scripts/accuracy</c>: generate a randomized real-nginx corpus, and score
/// <c>analyze</c> against its labels.
/// </summary>
internal static class CorpusProgram
{
    private const string Usage = """
        Usage:
          corpus generate --out DIR [--seed N] [--cases N] [--concurrency N] [--first-index N]
                          [--kinds killed,slow,...] [--families json-nested,...] [--logging file,syslog]
                          [--duration SECONDS]
          corpus score --corpus DIR --analyzer COMMAND [--modes auto,format,raw,config] [--json]
                       [--min-accuracy 0.95] [--max-spurious 0] [--concurrency N]
        """;

    public static async Task<int> Main(string[] args)
    {
        if (args is ["lifeline-probe", .. var program])
        {
            return await Infrastructure.LifelineProbe.RunAsync(program);
        }

        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] == "--json")
            {
                flags.Add("--json");
            }
            else if (args[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length)
            {
                options[args[i]] = args[++i];
            }
            else
            {
                await Console.Error.WriteLineAsync($"corpus: unexpected argument '{args[i]}'\n{Usage}");
                return 2;
            }
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        try
        {
            return args[0] switch
            {
                "generate" => await GenerateAsync(options, cancel.Token),
                "score" => await ScoreAsync(options, flags.Contains("--json"), cancel.Token),
                _ => Fail($"unknown command '{args[0]}'"),
            };
        }
        catch (ArgumentException e)
        {
            return Fail(e.Message);
        }
    }

    private static async Task<int> GenerateAsync(Dictionary<string, string> options, CancellationToken cancellationToken)
    {
        var directory = Path.GetFullPath(Required(options, "--out"));
        var kinds = options.TryGetValue("--kinds", out var names)
            ? names.Split(',').Select(n => FailureKind.Available.SingleOrDefault(k => k.Name == n)
                ?? throw new ArgumentException(FailureKind.All.Any(k => k.Name == n)
                    ? $"kind '{n}' cannot run here (needs root, or its application server is not installed)"
                    : $"unknown kind '{n}'; known: {string.Join(", ", FailureKind.All.Select(k => k.Name))}")).ToList()
            : FailureKind.Available;
        if (!options.ContainsKey("--kinds") && FailureKind.Available.Count < FailureKind.All.Count)
        {
            await Console.Error.WriteLineAsync(
                $"corpus: not drawing {string.Join(", ", FailureKind.All.Except(FailureKind.Available).Select(k => k.Name))}: "
                + "the route kinds need root (ip route), the others an application server scripts/test installs.");
        }

        var families = options.TryGetValue("--families", out var f) ? f.Split(',') : null;
        if (families?.FirstOrDefault(x => !CorpusFormats.KnownFamilies.Contains(x)) is { } unknown)
        {
            throw new ArgumentException($"unknown format family '{unknown}'; known: {string.Join(", ", CorpusFormats.KnownFamilies)}");
        }

        IReadOnlyList<string> loggings = options.TryGetValue("--logging", out var l) ? l.Split(',') : CaseDraw.Loggings;
        if (loggings.FirstOrDefault(x => !CaseDraw.Loggings.Contains(x)) is { } unknownLogging)
        {
            throw new ArgumentException($"unknown logging '{unknownLogging}'; known: {string.Join(", ", CaseDraw.Loggings)}");
        }

        var corpus = new CorpusOptions(
            directory,
            Int(options, "--seed", 1),
            Int(options, "--cases", 12),
            Int(options, "--concurrency", 6),
            kinds,
            families,
            loggings,
            options.ContainsKey("--duration") ? Int(options, "--duration", 0) : null,
            Int(options, "--first-index", 0));
        var stopwatch = Stopwatch.StartNew();
        var manifests = await CorpusGenerator.GenerateAsync(corpus, TimeProvider.System, Console.Out, cancellationToken);
        Console.WriteLine(
            $"{manifests.Count} cases, {manifests.Sum(m => m.Incidents.Count)} labelled incidents in {directory} ({stopwatch.Elapsed:mm\\:ss})");
        return manifests.Count == corpus.Cases ? 0 : 1;
    }

    private static async Task<int> ScoreAsync(Dictionary<string, string> options, bool json, CancellationToken cancellationToken)
    {
        var corpus = Path.GetFullPath(Required(options, "--corpus"));
        var analyzer = Required(options, "--analyzer");
        var modes = options.TryGetValue("--modes", out var m) ? m.Split(',') : Scorecard.AllModes;
        if (modes.FirstOrDefault(x => !Scorecard.AllModes.Contains(x)) is { } unknown)
        {
            throw new ArgumentException($"unknown mode '{unknown}'");
        }

        var report = await Scorecard.ScoreAsync(corpus, modes, (a, ct) => RunProcessAsync(analyzer, a, ct), Int(options, "--concurrency", 2), cancellationToken);
        Console.WriteLine(json ? report.ToJson() : report.ToText());

        var minAccuracy = options.TryGetValue("--min-accuracy", out var a) ? double.Parse(a, CultureInfo.InvariantCulture) : 0;
        var maxSpurious = Int(options, "--max-spurious", int.MaxValue);
        var failing = report.Modes.Where(r => r.Accuracy < minAccuracy || r.Spurious.Count > maxSpurious).ToList();
        foreach (var mode in failing)
        {
            await Console.Error.WriteLineAsync(
                $"accuracy: mode {mode.Mode}: {mode.Accuracy:P1} right (minimum {minAccuracy:P1}), {mode.Spurious.Count} spurious (maximum {maxSpurious})");
        }

        return failing.Count == 0 ? 0 : 1;
    }

    private static async Task<AnalyzerOutput> RunProcessAsync(string command, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {command}.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return new AnalyzerOutput(process.ExitCode, await stdout, await stderr);
    }

    private static string Required(Dictionary<string, string> options, string name) =>
        options.TryGetValue(name, out var value) ? value : throw new ArgumentException($"{name} is required");

    private static int Int(Dictionary<string, string> options, string name, int fallback) =>
        !options.TryGetValue(name, out var value) ? fallback
        : int.TryParse(value, CultureInfo.InvariantCulture, out var parsed) ? parsed
        : throw new ArgumentException($"{name} '{value}' is not a number");

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"corpus: {message}\n{Usage}");
        return 2;
    }
}
