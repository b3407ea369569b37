using FunctionsApp.Cli;
using FunctionsApp.Hosting;

// CLI verbs run without the web host; everything else is the custom handler / standalone app.
if (args.Length > 0 && args[0] == "analyze")
{
    return await AnalyzeCommand.RunAsync(args[1..], Console.Out, Console.Error, CancellationToken.None);
}

var app = AppHost.Build(AppHost.CreateBuilder(args));
await app.RunAsync();
return 0;
