using FunctionsApp.Metrics;
using FunctionsApp.Notifications;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FunctionsApp.Tests.Notifications;

public sealed class NotificationsOptionsValidatorTests
{
    private static T Resolve<T>(Action<IServiceCollection, IConfiguration> add, Dictionary<string, string?> settings) where T : class
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        add(services, configuration);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<T>>().Value;
    }

    [Fact]
    public void AddNotifications_BadConfiguration_FailsAtStartNamingValuesButNotSecrets()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Notifications:Receivers:0:Name"] = "ops-slack",
            ["Notifications:Receivers:0:Type"] = "Slack",
            ["Notifications:Receivers:0:Url"] = "http://hooks.slack.com/services/T0/B0/SECRETTOKEN",
            ["Notifications:Receivers:1:Name"] = "hook",
            ["Notifications:Receivers:1:Type"] = "Webhook",
            ["Notifications:Receivers:1:Url"] = "https://example.com/hook",
            ["Notifications:Receivers:1:Secret"] = "short",
            ["Notifications:Receivers:2:Name"] = "Bad Name",
            ["Notifications:Receivers:2:Type"] = "Teams",
            ["Notifications:Receivers:2:Url"] = "https://example.com/teams",
            ["Notifications:Routes:0:Receivers:0"] = "pager",
            ["Notifications:Routes:0:GroupBy:0"] = "datacenter",
            ["Notifications:ClaimDuration"] = "00:00:05",
        };

        var ex = Assert.Throws<OptionsValidationException>(() => Resolve<NotificationsOptions>((s, c) => s.AddNotifications(c), settings));

        var message = string.Join('\n', ex.Failures);
        Assert.Contains("Url of 'ops-slack' must be an absolute https URL", message, StringComparison.Ordinal);
        Assert.Contains("Secret of webhook 'hook' must be at least 32 characters", message, StringComparison.Ordinal);
        Assert.Contains("must match the regular expression", message, StringComparison.Ordinal);
        Assert.Contains("names 'pager', which is not a configured receiver", message, StringComparison.Ordinal);
        Assert.Contains("GroupBy 'datacenter'", message, StringComparison.Ordinal);
        Assert.Contains("ClaimDuration (00:00:05) must exceed SendTimeout (00:00:10)", message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRETTOKEN", message, StringComparison.Ordinal);
        Assert.DoesNotContain("short", message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddNotifications_ValidConfiguration_Binds()
    {
        var options = Resolve<NotificationsOptions>((s, c) => s.AddNotifications(c), new Dictionary<string, string?>
        {
            ["Notifications:PublicBaseUrl"] = "https://diag.example.com",
            ["Notifications:Receivers:0:Name"] = "ops-teams",
            ["Notifications:Receivers:0:Type"] = "Teams",
            ["Notifications:Receivers:0:Url"] = "https://prod.westeurope.logic.azure.com/workflows/x/triggers/manual/paths/invoke?sig=y",
            ["Notifications:Routes:0:Receivers:0"] = "ops-teams",
            ["Notifications:Routes:0:Causes:0"] = "Overload",
            ["Notifications:Routes:0:MinSeverity"] = "Critical",
            ["Notifications:GroupWait"] = "00:01:00",
        });

        Assert.Equal(FunctionsApp.Incidents.IncidentCause.Overload, Assert.Single(options.Routes[0].Causes));
        Assert.Equal(NotificationSeverity.Critical, options.Routes[0].MinSeverity);
        Assert.Equal(TimeSpan.FromMinutes(1), options.GroupWait);
        Assert.Equal(TimeSpan.FromSeconds(2), options.Receivers[0].EffectiveMinInterval); // Teams: no bursts
    }

    [Fact]
    public void AddMetricsCorrelation_BadMapping_FailsAtStart()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve<MetricsOptions>((s, c) => s.AddMetricsCorrelation(c), new Dictionary<string, string?>
        {
            ["Metrics:Upstreams:0:Match"] = "10.0.0.0/33",
            ["Metrics:Upstreams:0:ResourceIds:0"] = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm",
            ["Metrics:SaturationPercent"] = "150",
        }));

        var message = string.Join('\n', ex.Failures);
        Assert.Contains("'10.0.0.0/33' is not valid", message, StringComparison.Ordinal);
        Assert.Contains("SaturationPercent", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://diag.example.com", "https://diag.example.com/api/dashboard/incidents/inc%2F1%20a")]
    [InlineData("https://diag.example.com/base/", "https://diag.example.com/base/api/dashboard/incidents/inc%2F1%20a")]
    public void IncidentLink_EscapesTheId(string baseUrl, string expected) =>
        Assert.Equal(expected, new NotificationsOptions { PublicBaseUrl = new Uri(baseUrl) }.IncidentLink("inc/1 a")!.AbsoluteUri);

    [Fact]
    public void IncidentLink_NoPublicBaseUrl_Null() => Assert.Null(new NotificationsOptions().IncidentLink("x"));
}
