namespace FunctionsApp.IntegrationTests.Nginx.Corpus;

/// <summary>Time zones nginx runs in (TZ): whole, half and quarter-hour offsets, both hemispheres' daylight saving.</summary>
internal static class CorpusZones
{
    public static IReadOnlyList<string> All { get; } =
    [
        "UTC", "Asia/Kathmandu", "Australia/Adelaide", "America/St_Johns", "Pacific/Chatham", "Asia/Kolkata",
        "America/Los_Angeles", "Europe/Berlin",
    ];
}
