using FunctionsApp.Incidents;

namespace FunctionsApp.Engine.Tests;

/// <summary>The engine is a library of its own that the worker, the standalone host, the CLI and the benchmarks share:
/// it must stay free of Azure and ASP.NET.</summary>
public sealed class EngineAssemblyTests
{
    private static readonly string[] Forbidden = ["Azure", "Microsoft.Azure", "Microsoft.AspNetCore", "Microsoft.Extensions"];

    [Fact]
    public void EngineAssembly_ReferencesNothingOfAzureOrAspNet()
    {
        var engine = typeof(DiagnosisEngine).Assembly;

        var references = engine.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.Equal("FunctionsApp.Engine", engine.GetName().Name);
        Assert.Contains("System.Text.Json", references);
        Assert.DoesNotContain(references, name => Forbidden.Any(f => name == f || name.StartsWith(f + ".", StringComparison.Ordinal)));
        Assert.DoesNotContain("FunctionsApp", references);
    }

    [Fact]
    public void EngineAssembly_HoldsTheEngineAndTheAppDoesNot()
    {
        var engine = typeof(DiagnosisEngine).Assembly;

        Assert.Same(engine, typeof(FunctionsApp.NginxLogs.AccessLogFormat).Assembly);
        Assert.Same(engine, typeof(FunctionsApp.NginxConfig.NginxConfigParser).Assembly);
        Assert.Same(engine, typeof(FunctionsApp.Metrics.IncidentMetrics).Assembly);
        // The stores and endpoints are the app's: the engine has none (this project cannot see the app to compare).
        Assert.Null(engine.GetType("FunctionsApp.Incidents.IIncidentStore"));
        Assert.DoesNotContain(engine.GetTypes(), t => t.Name.EndsWith("Store", StringComparison.Ordinal) || t.Name.EndsWith("Api", StringComparison.Ordinal));
    }
}
