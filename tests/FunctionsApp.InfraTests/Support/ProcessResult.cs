namespace FunctionsApp.InfraTests.Support;

/// <summary>How a child process ended and what it wrote.</summary>
internal sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Everything the process reported, for assertion messages.</summary>
    public string Describe() =>
        $"exit code {ExitCode}{Environment.NewLine}stderr:{Environment.NewLine}{StandardError}{Environment.NewLine}stdout:{Environment.NewLine}{Truncate(StandardOutput)}";

    private static string Truncate(string text) => text.Length <= 4000 ? text : string.Concat(text.AsSpan(0, 4000), "…");
}
