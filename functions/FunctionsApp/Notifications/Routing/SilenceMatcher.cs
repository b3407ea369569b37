namespace FunctionsApp.Notifications.Routing;

/// <summary>One label = glob condition of a <see cref="Silence"/>.</summary>
public sealed record SilenceMatcher(string Label, string Value);
