using System.Text.RegularExpressions;

namespace FunctionsApp.Worker.Tests.Support;

/// <summary>One row of the README's function table (How it works).</summary>
internal sealed record ReadmeFunction(string Name, string Trigger, IReadOnlyList<string> Methods, string? Route, string? Schedule, string? ScheduleSetting, string Auth)
{
    /// <summary>A queue function's queue (the first code in its route cell).</summary>
    public string? Queue { get; init; }
}

/// <summary>Reads the table that starts with <c>| Function | Trigger | Methods |</c> in README.md.</summary>
internal static partial class ReadmeFunctionTable
{
    public static IReadOnlyList<ReadmeFunction> Load()
    {
        var lines = File.ReadAllLines(WorkerOutput.Readme);
        var header = Array.FindIndex(lines, l => l.StartsWith("| Function | Trigger | Methods |", StringComparison.Ordinal));
        Assert.True(header >= 0, "README.md has no function table.");

        var rows = new List<ReadmeFunction>();
        foreach (var line in lines.Skip(header + 2).TakeWhile(l => l.StartsWith('|')))
        {
            var cells = line.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            Assert.True(cells.Length == 5, $"README function row has {cells.Length} cells: {line}");
            var name = Code().Match(cells[0]).Groups[1].Value;
            var trigger = cells[1];
            var codes = Code().Matches(cells[3]).Select(m => m.Groups[1].Value).ToArray();
            // The methods cell lists methods first ("POST, GET, HEAD (the Elasticsearch handshake)").
            var methods = trigger == "HTTP"
                ? cells[2].Split('(')[0].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : [];
            var auth = cells[4].Split(' ', '(', ';')[0];
            rows.Add(trigger switch
            {
                "timer" => new ReadmeFunction(name, trigger, methods, null, codes[0], codes.ElementAtOrDefault(1), auth),
                "queue" => new ReadmeFunction(name, trigger, methods, null, null, null, auth) { Queue = codes[0] },
                _ => new ReadmeFunction(name, trigger, methods, codes[0], null, null, auth),
            });
        }

        return rows;
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Code();
}
