using System.Text.Json.Serialization;

namespace FunctionsApp.Notifications.Slack;

// Slack incoming-webhook payload with Block Kit (https://api.slack.com/reference/block-kit/blocks):
// "text" is the notification fallback; "blocks" is what people see.

/// <summary>Body posted to a Slack incoming webhook.</summary>
internal sealed record SlackMessage(
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("blocks")] IReadOnlyList<SlackBlock> Blocks);

/// <summary>A Block Kit block; the <c>type</c> discriminator is written by System.Text.Json.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(SlackHeaderBlock), "header")]
[JsonDerivedType(typeof(SlackSectionBlock), "section")]
[JsonDerivedType(typeof(SlackContextBlock), "context")]
[JsonDerivedType(typeof(SlackActionsBlock), "actions")]
[JsonDerivedType(typeof(SlackDividerBlock), "divider")]
internal abstract record SlackBlock;

internal sealed record SlackHeaderBlock([property: JsonPropertyName("text")] SlackText Text) : SlackBlock;

internal sealed record SlackSectionBlock(
    [property: JsonPropertyName("text")] SlackText? Text,
    [property: JsonPropertyName("fields")] IReadOnlyList<SlackText>? Fields = null) : SlackBlock;

internal sealed record SlackContextBlock([property: JsonPropertyName("elements")] IReadOnlyList<SlackText> Elements) : SlackBlock;

internal sealed record SlackActionsBlock([property: JsonPropertyName("elements")] IReadOnlyList<SlackButton> Elements) : SlackBlock;

internal sealed record SlackDividerBlock : SlackBlock;

/// <summary>A text object: <c>plain_text</c> or <c>mrkdwn</c>.</summary>
internal sealed record SlackText(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("text")] string Text)
{
    public static SlackText Plain(string text) => new("plain_text", text);

    public static SlackText Markdown(string text) => new("mrkdwn", text);
}

internal sealed record SlackButton(
    [property: JsonPropertyName("text")] SlackText Text,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("action_id")] string ActionId)
{
    [JsonPropertyName("type")]
    public string Type => "button";
}
