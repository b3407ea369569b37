using FunctionsApp.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FunctionsApp.Tests.Hosting;

public sealed class AzureSdkLoggingTests
{
    private static ILoggerFactory Loggers(Dictionary<string, string?> settings, bool configurationFirst)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(new EverythingProvider()));
        if (configurationFirst)
        {
            services.AddLogging(logging => logging.AddConfiguration(configuration.GetSection("Logging")));
            services.AddLogging(AzureSdkLogging.AddDefaultFilters);
        }
        else
        {
            services.AddLogging(AzureSdkLogging.AddDefaultFilters);
            services.AddLogging(logging => logging.AddConfiguration(configuration.GetSection("Logging")));
        }

        return services.BuildServiceProvider().GetRequiredService<ILoggerFactory>();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Defaults_HideTheSdksRequestsAndExpected4xx_KeepItsErrors(bool configurationFirst)
    {
        var loggers = Loggers([], configurationFirst);

        Assert.False(loggers.CreateLogger("Azure.Core").IsEnabled(LogLevel.Warning));
        Assert.True(loggers.CreateLogger("Azure.Core").IsEnabled(LogLevel.Error));
        Assert.False(loggers.CreateLogger("Azure.Identity").IsEnabled(LogLevel.Information));
        Assert.True(loggers.CreateLogger("Azure.Identity").IsEnabled(LogLevel.Warning));
        Assert.True(loggers.CreateLogger("FunctionsApp.Analysis").IsEnabled(LogLevel.Information));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Configuration_OverridesTheDefaults(bool configurationFirst)
    {
        var loggers = Loggers(
            new() { ["Logging:LogLevel:Azure.Core"] = "Information", ["Logging:LogLevel:Azure"] = "Error" },
            configurationFirst);

        Assert.True(loggers.CreateLogger("Azure.Core").IsEnabled(LogLevel.Information));
        Assert.False(loggers.CreateLogger("Azure.Identity").IsEnabled(LogLevel.Warning));
    }

    /// <summary>A provider whose loggers take every level, so what is enabled is what the filter rules say.</summary>
    private sealed class EverythingProvider : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Everything();

        public void Dispose()
        {
        }

        private sealed class Everything : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
            }
        }
    }
}
