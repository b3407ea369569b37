using FunctionsApp.Hosting;
using FunctionsApp.Incidents;
using Microsoft.Extensions.Options;

namespace FunctionsApp.Analysis;

internal static class AnalysisServiceCollectionExtensions
{
    /// <summary>The analyze timer, its state and incident stores, and the engine's thresholds.</summary>
    public static IServiceCollection AddAnalysis(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AnalysisOptions>().Bind(configuration.GetSection(AnalysisOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AnalysisOptions>, AnalysisOptionsValidator>();
        services.AddOptions<DiagnosisOptions>().Bind(configuration.GetSection(DiagnosisOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DiagnosisOptions>, DiagnosisOptionsValidator>();

        services.AddSingleton<IAnalyzerStateStore, BlobAnalyzerStateStore>();
        services.AddSingleton<TableIncidentIndex>();
        services.AddHostedService<IncidentIndexUpgrade>();
        services.AddSingleton<IIncidentStore, BlobIncidentStore>();
        services.AddSingleton<FunctionsApp.Query.ITimelineStore, FunctionsApp.Query.TableTimelineStore>();
        services.AddSingleton<IncidentAnalyzer>();
        services.AddSingleton<ITimerFunction, AnalyzeFunction>();
        return services;
    }
}

/// <summary>Range checks of <see cref="AnalysisOptions"/>, with messages that name the bad value.</summary>
internal sealed class AnalysisOptionsValidator(HostingContext hosting) : IValidateOptions<AnalysisOptions>
{
    public ValidateOptionsResult Validate(string? name, AnalysisOptions options)
    {
        var failures = new List<string>();
        if (options.GracePeriod < TimeSpan.Zero || options.GracePeriod > TimeSpan.FromHours(1))
        {
            failures.Add($"Analysis:GracePeriod must be from 0 to 1 hour, not {options.GracePeriod}.");
        }

        // A batch is committed at most Ingestion's takeover age plus its storage deadline (1.5 min with their largest
        // values) after the time in its name; the window must cover that.
        if (options.ReorderWindow < TimeSpan.FromMinutes(2) || options.ReorderWindow > TimeSpan.FromDays(1))
        {
            failures.Add($"Analysis:ReorderWindow must be from 2 minutes to 1 day, not {options.ReorderWindow}.");
        }

        if (options.LeaseDuration < TimeSpan.FromSeconds(15) || options.LeaseDuration > TimeSpan.FromSeconds(60))
        {
            failures.Add($"Analysis:LeaseDuration must be from 15 to 60 seconds (blob lease limits), not {options.LeaseDuration}.");
        }

        if (options.MaxBatchesPerRun < 1)
        {
            failures.Add($"Analysis:MaxBatchesPerRun must be at least 1, not {options.MaxBatchesPerRun}.");
        }

        if (!Enum.IsDefined(options.FanOut))
        {
            failures.Add($"Analysis:FanOut must be None or Queue, not {options.FanOut}.");
        }
        else if (options.FanOut == AnalysisFanOut.Queue && hosting.Mode != HostingMode.FunctionsHost)
        {
            // Nothing standalone reads the queue; its timers run on every instance and share the sites by lease.
            failures.Add("Analysis:FanOut Queue needs the Functions host (the analyze-site queue function); the standalone host analyzes every site from its timers: leave it None.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Range checks of <see cref="DiagnosisOptions"/>.</summary>
internal sealed class DiagnosisOptionsValidator : IValidateOptions<DiagnosisOptions>
{
    public ValidateOptionsResult Validate(string? name, DiagnosisOptions options)
    {
        var failures = new List<string>();
        if (options.MinFailures < 1)
        {
            failures.Add($"Diagnosis:MinFailures must be at least 1, not {options.MinFailures}.");
        }

        if (options.Window <= TimeSpan.Zero || options.QuietPeriod <= TimeSpan.Zero)
        {
            failures.Add($"Diagnosis:Window and Diagnosis:QuietPeriod must be positive (got {options.Window} and {options.QuietPeriod}).");
        }

        if (options.JoinSkew < TimeSpan.Zero || options.JoinLookback < TimeSpan.Zero)
        {
            failures.Add($"Diagnosis:JoinSkew and Diagnosis:JoinLookback cannot be negative (got {options.JoinSkew} and {options.JoinLookback}).");
        }

        if (options.ErrorLogUtcOffset is { } offset && offset.Duration() > TimeSpan.FromHours(14))
        {
            failures.Add($"Diagnosis:ErrorLogUtcOffset must be within ±14:00, not {offset}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
