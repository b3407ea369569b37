using System.Text;

namespace FunctionsApp.Notifications.Slack;

/// <summary>
/// Renders a <see cref="NotificationMessage"/> as Block Kit within Slack's limits (at most 50 blocks, 3,000 characters
/// per section text, 150 per header): the title once in the header, then when and how bad, why with the one evidence
/// line, what to do first, and one button. Log content (hosts, paths, evidence) is escaped, so it cannot become a link
/// or a mention.
/// </summary>
internal static class SlackMessageBuilder
{
    public const int MaxBlocks = 50;
    public const int MaxSectionText = 3000;
    public const int MaxHeaderText = 150;
    public const int MaxFallbackText = 3000;
    private const int MaxEvidence = 1000;
    private const int MaxListed = 10;

    public static SlackMessage Build(NotificationMessage message)
    {
        var blocks = new List<SlackBlock>
        {
            new SlackHeaderBlock(SlackText.Plain(IncidentText.Truncate(Emoji(message) + IncidentText.Title(message), MaxHeaderText))),
        };
        if (message.Changes.Count > 0)
        {
            blocks.Add(Section("*What changed*\n" + string.Join("\n", message.Changes.Select(c => "• " + Escape(c)))));
        }

        blocks.Add(Section(Escape(IncidentText.When(message)) + "\n" + Escape(IncidentText.HowBad(message))));
        if (message.Kind != NotificationKind.Resolved)
        {
            var why = new StringBuilder("*Why:* ").Append(Escape(IncidentText.Why(message)));
            if (IncidentText.Evidence(message) is { } evidence)
            {
                why.Append("\n```").Append(Escape(IncidentText.Truncate(evidence.Replace("```", "'''", StringComparison.Ordinal), MaxEvidence))).Append("```");
            }

            blocks.Add(Section(why.ToString()));
            if (IncidentText.FirstStep(message) is { } step)
            {
                blocks.Add(Section("*First:* " + Escape(step)));
            }

            if (IncidentText.Resources(message) is { } resources)
            {
                blocks.Add(Section(Escape(resources)));
            }
        }

        if (message.Incidents.Count > 1)
        {
            var lines = message.Incidents.Take(MaxListed).Select(i => "• " + Escape(IncidentText.Line(i.Incident)));
            var more = message.Incidents.Count > MaxListed ? $"\n…and {message.Incidents.Count - MaxListed} more" : "";
            blocks.Add(Section(string.Join("\n", lines) + more));
        }

        if (message.Link is { } link)
        {
            blocks.Add(new SlackActionsBlock([new SlackButton(SlackText.Plain("Open in dashboard"), link.ToString(), "open-dashboard")]));
        }

        // The fallback is mrkdwn too (notifications show it): escaped like every section.
        return new SlackMessage(TruncateEscaped(Escape(IncidentText.PlainText(message, MaxFallbackText)), MaxFallbackText), blocks);
    }

    private static SlackSectionBlock Section(string markdown) => new(SlackText.Markdown(TruncateEscaped(markdown, MaxSectionText)));

    /// <summary>Slack mrkdwn needs only &amp;, &lt; and &gt; escaped (https://api.slack.com/reference/surfaces/formatting#escaping).</summary>
    internal static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    /// <summary>Truncates escaped text without leaving half an entity (<c>&amp;am…</c>) behind.</summary>
    private static string TruncateEscaped(string text, int max)
    {
        var cut = IncidentText.Truncate(text, max);
        if (cut.Length == text.Length)
        {
            return cut;
        }

        var body = cut[..^IncidentText.Ellipsis.Length];
        var amp = body.LastIndexOf('&');
        if (amp >= 0 && body.IndexOf(';', amp) < 0)
        {
            body = body[..amp];
        }

        return body + IncidentText.Ellipsis;
    }

    private static string Emoji(NotificationMessage message) => message.Kind switch
    {
        NotificationKind.Resolved => "✅ ",
        NotificationKind.Late => "🕒 ",
        _ when message.Incidents.Any(i => i.Severity == NotificationSeverity.Critical) => "🔴 ",
        NotificationKind.Firing or NotificationKind.Updated or NotificationKind.Reminder => "🟠 ",
        _ => throw new ArgumentOutOfRangeException(nameof(message), message.Kind, null),
    };
}
