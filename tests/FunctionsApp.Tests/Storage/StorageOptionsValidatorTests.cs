using FunctionsApp.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FunctionsApp.Tests.Storage;

/// <summary>The table names the incident index derives its tables' names from: room for the suffixes, and no clash.</summary>
public sealed class StorageOptionsValidatorTests
{
    private static StorageOptions Resolve(Dictionary<string, string?> settings)
    {
        settings["Storage:ConnectionString"] = "UseDevelopmentStorage=true";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddStorage(configuration);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<StorageOptions>>().Value;
    }

    [Theory]
    [InlineData("idx", "timeline")]
    [InlineData("incidentindex", "incidentindexes")]
    [InlineData("a234567890123456789012345678901234567890123456789012345", "timeline")]
    public void IndexTable_NameWithRoomForItsTablesSuffixes_Binds(string index, string timeline)
    {
        var options = Resolve(new() { ["Storage:IncidentIndexTable"] = index, ["Storage:TimelineTable"] = timeline });

        Assert.Equal((index, timeline), (options.IncidentIndexTable, options.TimelineTable));
    }

    [Theory]
    [InlineData("a2345678901234567890123456789012345678901234567890123456", "timeline", "must match the regular expression")]
    [InlineData("incidentindex", "IncidentIndex", "Storage tables must differ")]
    [InlineData("incidentindex", "incidentindexopen", "Storage tables must differ")]
    [InlineData("idx", "idxupstream", "Storage tables must differ")]
    [InlineData("incidents", "incidentscause", "Storage tables must differ")]
    public void IndexTable_TooLongForItsTablesOrClashingWithTheTimeline_FailsNamingIt(string index, string timeline, string expected)
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["Storage:IncidentIndexTable"] = index, ["Storage:TimelineTable"] = timeline }));

        Assert.Contains(expected, string.Join('\n', ex.Failures), StringComparison.Ordinal);
    }
}
