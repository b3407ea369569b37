using System.Text;
using FunctionsApp.Incidents;

namespace FunctionsApp.Notifications.Slack;

/// <summary>
/// Renders a <see cref="NotificationMessage"/> as Block Kit within Slack's limits: at most 50 blocks, 3,000 characters
/// per section text, 2,000 per field, 150 per header, 75 per button label. Long evidence is cut with "…", never rejected.
/// </summary>
internal static class SlackMessageBuilder
{
    public const int MaxBlocks = 50;
    public const int MaxSectionText = 3000;
    public const int MaxFieldText = 2000;
    public const int MaxHeaderText = 150;
    public const int MaxFallbackText = 3000;
    private const int BlocksPerIncident = 5;

    public static SlackMessage Build(NotificationMessage message)
    {
        var blocks = new List<SlackBlock>
        {
            new SlackHeaderBlock(SlackText.Plain(IncidentText.Truncate(Emoji(message.Kind) + IncidentText.Title(message), MaxHeaderText))),
        };

        // Keep room for the header and a closing "…and N more" context block.
        var room = (MaxBlocks - 2) / BlocksPerIncident;
        var shown = message.Incidents.Take(room).ToList();
        foreach (var item in shown)
        {
            if (blocks.Count > 1)
            {
                blocks.Add(new SlackDividerBlock());
            }

            AddIncident(blocks, message.Kind, item);
        }

        if (message.Incidents.Count > shown.Count)
        {
            blocks.Add(new SlackContextBlock([SlackText.Markdown($"…and {message.Incidents.Count - shown.Count} more incident(s) in this group.")]));
        }

        return new SlackMessage(IncidentText.PlainText(message, MaxFallbackText), blocks);
    }

    private static void AddIncident(List<SlackBlock> blocks, NotificationKind kind, NotificationIncident item)
    {
        var incident = item.Incident;
        if (kind == NotificationKind.Resolved)
        {
            blocks.Add(Section($"*{Escape(IncidentText.What(incident))}*\n{Escape(IncidentText.ResolvedLine(incident))}"));
        }
        else
        {
            blocks.Add(Section($"*{Escape(IncidentText.What(incident))}*\n{Escape(IncidentText.HowBad(incident))}"));
            blocks.Add(new SlackSectionBlock(null,
            [
                SlackText.Markdown(Field("*Why*\n" + Escape(IncidentText.Why(incident)))),
                SlackText.Markdown(Field("*Resources*\n" + Escape(IncidentText.MetricsLine(item.Metrics)))),
            ]));
            blocks.Add(Section(EvidenceAndSteps(incident)));
        }

        if (item.Link is { } link)
        {
            blocks.Add(new SlackActionsBlock([new SlackButton(SlackText.Plain("Open incident"), link.ToString(), "open-incident-" + Shorten(incident.Id))]));
        }
    }

    /// <summary>Top evidence in a code block, then the first remediation steps; the evidence gives way first when long.</summary>
    private static string EvidenceAndSteps(Incident incident)
    {
        var steps = new StringBuilder("*What to do*");
        foreach (var step in IncidentText.FirstSteps(incident))
        {
            steps.Append("\n• ").Append(Escape(step));
        }

        var stepsText = IncidentText.Truncate(steps.ToString(), MaxSectionText / 2);
        if (IncidentText.TopEvidence(incident) is not { } evidence)
        {
            return stepsText;
        }

        const string Open = "*Top evidence*\n```";
        const string Close = "```\n";
        var budget = MaxSectionText - stepsText.Length - Open.Length - Close.Length;
        return Open + TruncateEscaped(Escape(evidence.Replace("```", "'''", StringComparison.Ordinal)), budget) + Close + stepsText;
    }

    private static SlackSectionBlock Section(string markdown) => new(SlackText.Markdown(TruncateEscaped(markdown, MaxSectionText)));

    private static string Field(string markdown) => TruncateEscaped(markdown, MaxFieldText);

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

    private static string Emoji(NotificationKind kind) => kind switch
    {
        NotificationKind.Resolved => "✅ ",
        NotificationKind.Firing or NotificationKind.Updated or NotificationKind.Reminder => "🔴 ",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static string Shorten(string id) => id.Length <= 40 ? id : id[..40];
}
