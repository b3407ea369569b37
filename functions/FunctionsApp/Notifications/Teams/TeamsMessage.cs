using System.Text.Json.Serialization;

namespace FunctionsApp.Notifications.Teams;

// Teams Workflows ("Post to a channel when a webhook request is received") message envelope with one
// Adaptive Card attachment (https://adaptivecards.io/explorer/). The retired Office 365 connector
// MessageCard format is deliberately not used.

/// <summary>Body posted to a Teams Workflows webhook.</summary>
internal sealed record TeamsMessage(
    [property: JsonPropertyName("attachments")] IReadOnlyList<TeamsAttachment> Attachments)
{
    [JsonPropertyName("type")]
    public string Type => "message";
}

internal sealed record TeamsAttachment([property: JsonPropertyName("content")] AdaptiveCard Content)
{
    [JsonPropertyName("contentType")]
    public string ContentType => "application/vnd.microsoft.card.adaptive";

    /// <summary>Always present and null, as the documented envelope shows.</summary>
    [JsonPropertyName("contentUrl")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? ContentUrl => null;
}

internal sealed record AdaptiveCard(
    [property: JsonPropertyName("body")] IReadOnlyList<AdaptiveElement> Body,
    [property: JsonPropertyName("actions")] IReadOnlyList<AdaptiveOpenUrlAction>? Actions)
{
    public const string SchemaVersion = "1.4";

    [JsonPropertyName("$schema")]
    public string Schema => "http://adaptivecards.io/schemas/adaptive-card.json";

    [JsonPropertyName("type")]
    public string Type => "AdaptiveCard";

    [JsonPropertyName("version")]
    public string Version => SchemaVersion;

    /// <summary>Full width in Teams, so evidence lines are readable.</summary>
    [JsonPropertyName("msteams")]
    public AdaptiveTeamsOptions MsTeams => new("Full");
}

internal sealed record AdaptiveTeamsOptions([property: JsonPropertyName("width")] string Width);

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(AdaptiveTextBlock), "TextBlock")]
[JsonDerivedType(typeof(AdaptiveFactSet), "FactSet")]
[JsonDerivedType(typeof(AdaptiveContainer), "Container")]
[JsonDerivedType(typeof(AdaptiveRichTextBlock), "RichTextBlock")]
internal abstract record AdaptiveElement;

/// <summary>Text that is never read as markdown (Adaptive Cards 1.2+): log content goes here, so a path like
/// <c>[x](https://evil)</c> stays text.</summary>
internal sealed record AdaptiveRichTextBlock(
    [property: JsonPropertyName("inlines")] IReadOnlyList<AdaptiveTextRun> Inlines,
    [property: JsonPropertyName("separator")] bool? Separator = null,
    [property: JsonPropertyName("spacing")] string? Spacing = null) : AdaptiveElement;

internal sealed record AdaptiveTextRun(
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("weight")] string? Weight = null,
    [property: JsonPropertyName("size")] string? Size = null,
    [property: JsonPropertyName("color")] string? Color = null,
    [property: JsonPropertyName("fontType")] string? FontType = null,
    [property: JsonPropertyName("isSubtle")] bool? IsSubtle = null)
{
    [JsonPropertyName("type")]
    public string Type => "TextRun";
}

internal sealed record AdaptiveTextBlock(
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("wrap")] bool Wrap = true,
    [property: JsonPropertyName("weight")] string? Weight = null,
    [property: JsonPropertyName("size")] string? Size = null,
    [property: JsonPropertyName("color")] string? Color = null,
    [property: JsonPropertyName("fontType")] string? FontType = null,
    [property: JsonPropertyName("isSubtle")] bool? IsSubtle = null,
    [property: JsonPropertyName("separator")] bool? Separator = null) : AdaptiveElement;

internal sealed record AdaptiveFactSet([property: JsonPropertyName("facts")] IReadOnlyList<AdaptiveFact> Facts) : AdaptiveElement;

internal sealed record AdaptiveFact(
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("value")] string Value);

internal sealed record AdaptiveContainer(
    [property: JsonPropertyName("items")] IReadOnlyList<AdaptiveElement> Items,
    [property: JsonPropertyName("style")] string? Style = null,
    [property: JsonPropertyName("separator")] bool? Separator = null) : AdaptiveElement;

internal sealed record AdaptiveOpenUrlAction(
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("url")] string Url)
{
    [JsonPropertyName("type")]
    public string Type => "Action.OpenUrl";
}
