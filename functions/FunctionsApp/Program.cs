using FunctionsApp.Cli;
using FunctionsApp.Hosting;

// CLI verbs run without the web host; everything else is the standalone app (on Azure, FunctionsApp.Worker hosts the handlers).
if (args.Length > 0 && args[0] == "analyze")
{
    return await AnalyzeCommand.RunAsync(args[1..], Console.Out, Console.Error, CancellationToken.None);
}

var app = AppHost.Build(AppHost.CreateBuilder(args));
await app.RunAsync();
return 0;
