using System.Diagnostics.CodeAnalysis;

namespace FunctionsApp.Metrics;

/// <summary>The parts of an ARM resource id this feature needs: subscription (batch URL) and type (metric defaults, namespace).</summary>
/// <param name="Id">The id as configured, without a trailing slash.</param>
/// <param name="SubscriptionId">The subscription GUID.</param>
/// <param name="ResourceType"><c>{namespace}/{type}</c>, e.g. <c>Microsoft.Compute/virtualMachines</c>.</param>
internal sealed record AzureResourceId(string Id, string SubscriptionId, string ResourceType)
{
    public static AzureResourceId Parse(string id) =>
        TryParse(id, out var parsed) ? parsed : throw new FormatException($"'{id}' is not an ARM resource id.");

    public static bool TryParse(string? id, [NotNullWhen(true)] out AzureResourceId? parsed)
    {
        parsed = null;
        if (string.IsNullOrWhiteSpace(id) || id[0] != '/')
        {
            return false;
        }

        // /subscriptions/{sub}/resourceGroups/{rg}/providers/{ns}/{type}/{name}[/{childType}/{childName}]
        var parts = id.TrimEnd('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 8 || parts.Length % 2 != 0
            || !parts[0].Equals("subscriptions", StringComparison.OrdinalIgnoreCase)
            || !parts[2].Equals("resourceGroups", StringComparison.OrdinalIgnoreCase)
            || !parts[4].Equals("providers", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var type = parts[5] + "/" + parts[6];
        for (var i = 8; i + 1 < parts.Length; i += 2)
        {
            type += "/" + parts[i];
        }

        parsed = new AzureResourceId(id.TrimEnd('/'), parts[1], type);
        return true;
    }
}
