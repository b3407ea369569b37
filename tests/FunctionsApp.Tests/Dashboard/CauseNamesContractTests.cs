using System.Text.RegularExpressions;
using FunctionsApp.Incidents;

namespace FunctionsApp.Tests.Dashboard;

/// <summary>The dashboard's script shows causes by a table of its own (it cannot call C#): it must say what
/// <see cref="IncidentCauses.DisplayName"/> says, for every cause and nothing else.</summary>
public sealed partial class CauseNamesContractTests
{
    [Fact]
    public void DashboardCauseTable_EqualsIncidentCauses()
    {
        var script = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Contracts", "dashboard-app.js"));
        var table = TableRegex().Match(script);
        Assert.True(table.Success, "app.js has no `const causeNames = { ... };` table");

        var entries = EntryRegex().Matches(table.Groups[1].Value).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);

        var expected = IncidentCauses.All.ToDictionary(IncidentCauses.Name, IncidentCauses.DisplayName, StringComparer.Ordinal);
        Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), entries.OrderBy(e => e.Key, StringComparer.Ordinal));
    }

    [GeneratedRegex(@"const causeNames = \{(.*?)\};", RegexOptions.Singleline)]
    private static partial Regex TableRegex();

    [GeneratedRegex(@"([a-z_]+): ""([^""]*)""")]
    private static partial Regex EntryRegex();
}
