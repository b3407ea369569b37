namespace FunctionsApp.Cli;

/// <summary>The offline <c>analyze</c> verb: point it at nginx logs, get the incidents.</summary>
internal static class AnalyzeCommand
{
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        _ = args;
        _ = stdout;
        _ = cancellationToken;
        stderr.WriteLine("analyze: not built yet");
        return Task.FromResult(2);
    }
}
