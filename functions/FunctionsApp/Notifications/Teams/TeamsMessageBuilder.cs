using System.Text.Json;

namespace FunctionsApp.Notifications.Teams;

/// <summary>
/// Renders a <see cref="NotificationMessage"/> as a Teams Workflows message with one Adaptive Card (1.4), under the
/// 28 KB Teams message limit. Every text that carries log content is a <c>TextRun</c> in a <c>RichTextBlock</c>, which
/// Teams never reads as markdown (Adaptive Card markdown has no inline code, and a log line must not become a link);
/// the title is said once and the one link is the card's one action.
/// </summary>
internal static class TeamsMessageBuilder
{
    /// <summary>Teams rejects messages over 28 KB; keep a margin for the envelope Teams adds.</summary>
    public const int MaxBytes = 27 * 1024;
    private const int MaxListed = 10;

    public static TeamsMessage Build(NotificationMessage message)
    {
        foreach (var evidenceBudget in new[] { 1000, 250, 80 })
        {
            var card = Build(message, evidenceBudget);
            if (JsonSerializer.SerializeToUtf8Bytes(card, NotificationsJsonContext.Default.TeamsMessage).Length <= MaxBytes)
            {
                return card;
            }
        }

        return Build(message, 0);
    }

    private static TeamsMessage Build(NotificationMessage message, int evidenceBudget)
    {
        var resolved = message.Kind is NotificationKind.Resolved or NotificationKind.Late;
        var critical = message.Incidents.Any(i => i.Severity == NotificationSeverity.Critical);
        var body = new List<AdaptiveElement>
        {
            new AdaptiveRichTextBlock([new AdaptiveTextRun(IncidentText.Truncate(IncidentText.Title(message), 300), Weight: "Bolder", Size: "Large",
                Color: resolved ? "Good" : critical ? "Attention" : "Warning")]),
        };
        var items = new List<AdaptiveElement>();
        if (message.Changes.Count > 0)
        {
            items.Add(Labelled("What changed", string.Join("\n", message.Changes.Select(c => "• " + c))));
        }

        items.Add(Plain(IncidentText.When(message)));
        items.Add(Plain(IncidentText.HowBad(message)));
        if (message.Kind != NotificationKind.Resolved)
        {
            items.Add(Labelled("Why", IncidentText.Why(message)));
            if (evidenceBudget > 0 && IncidentText.Evidence(message) is { } evidence)
            {
                items.Add(new AdaptiveRichTextBlock([new AdaptiveTextRun(IncidentText.Truncate(evidence, evidenceBudget), FontType: "Monospace", IsSubtle: true)]));
            }

            if (IncidentText.FirstStep(message) is { } step)
            {
                items.Add(Labelled("First", WithoutCodeMarks(step)));
            }

            if (IncidentText.Resources(message) is { } resources)
            {
                items.Add(Plain(resources));
            }
        }

        if (message.Incidents.Count > 1)
        {
            var lines = message.Incidents.Take(MaxListed).Select(i => "• " + IncidentText.Line(i.Incident));
            var more = message.Incidents.Count > MaxListed ? $"\n…and {message.Incidents.Count - MaxListed} more" : "";
            items.Add(new AdaptiveRichTextBlock([new AdaptiveTextRun(string.Join("\n", lines) + more)], Separator: true));
        }

        body.Add(new AdaptiveContainer(items, Style: resolved ? "good" : critical ? "attention" : "warning"));
        var card = new AdaptiveCard(body, message.Link is { } link ? [new AdaptiveOpenUrlAction("Open in dashboard", link.ToString())] : null);
        return new TeamsMessage([new TeamsAttachment(card)]);
    }

    private static AdaptiveRichTextBlock Plain(string text) => new([new AdaptiveTextRun(text)]);

    private static AdaptiveRichTextBlock Labelled(string label, string text) =>
        new([new AdaptiveTextRun(label + ": ", Weight: "Bolder"), new AdaptiveTextRun(text)]);

    /// <summary>Remediation marks directives as <c>`code`</c> for Slack; Teams would show the backticks.</summary>
    internal static string WithoutCodeMarks(string text) => text.Replace("`", "", StringComparison.Ordinal);
}
