using System.Globalization;
using LogGenerator;

// Usage: LogGenerator --lines N --out FILE [--error-out FILE] [--format upstream|combined|json] [--seed S] [--rate PER_SECOND]
const string Usage = "Usage: LogGenerator --lines N --out FILE [--error-out FILE] [--format upstream|combined|json] [--seed S] [--rate PER_SECOND]";

long lines = 0;
string? output = null;
string? errorOutput = null;
var options = new GeneratorOptions();
for (var i = 0; i < args.Length; i++)
{
    var value = i + 1 < args.Length ? args[i + 1] : null;
    switch (args[i])
    {
        case "-h" or "--help":
            Console.WriteLine(Usage);
            return 0;
        case "--lines" when long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0:
            lines = n;
            break;
        case "--out" when value is not null:
            output = value;
            break;
        case "--error-out" when value is not null:
            errorOutput = value;
            break;
        case "--format" when value is "upstream" or "combined" or "json":
            options.Format = value switch
            {
                "combined" => GeneratedFormat.Combined,
                "json" => GeneratedFormat.Json,
                _ => GeneratedFormat.Upstream,
            };
            break;
        case "--seed" when int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seed):
            options.Seed = seed;
            break;
        case "--rate" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var rate) && rate > 0:
            options.RequestsPerSecond = rate;
            break;
        default:
            Console.Error.WriteLine($"LogGenerator: bad argument '{args[i]}'");
            Console.Error.WriteLine(Usage);
            return 2;
    }

    i++;
}

if (lines == 0 || output is null)
{
    Console.Error.WriteLine(Usage);
    return 2;
}

using (var access = OpenOutput(output))
using (var errors = errorOutput is null ? null : OpenOutput(errorOutput))
{
    var summary = new AccessLogGenerator(options).Write(access, errors, lines);
    Console.Error.WriteLine(
        $"LogGenerator: {summary.Lines} lines ({summary.Bytes / (1024.0 * 1024):F1} MiB), {summary.GatewayErrors} gateway errors, "
        + $"{summary.RecoveredTries} recovered tries, {summary.ErrorLines} error-log lines");
}

return 0;

static FileStream OpenOutput(string path) =>
    new(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
