using System.Text.Json;

namespace FunctionsApp.Notifications.Teams;

/// <summary>
/// Renders a <see cref="NotificationMessage"/> as a Teams Workflows message with an Adaptive Card (1.4), kept under the
/// 28 KB Teams message limit: evidence is shortened first, then incidents beyond the first are summarized.
/// </summary>
internal static class TeamsMessageBuilder
{
    /// <summary>Teams rejects messages over 28 KB; keep a margin for the envelope Teams adds.</summary>
    public const int MaxBytes = 27 * 1024;
    private const int MaxEvidenceChars = 1000;
    private const int ReadableEvidenceChars = 250;

    public static TeamsMessage Build(NotificationMessage message)
    {
        var evidenceBudget = MaxEvidenceChars;
        var shown = message.Incidents.Count;
        while (true)
        {
            var card = Build(message, shown, evidenceBudget);
            var size = JsonSerializer.SerializeToUtf8Bytes(card, NotificationsJsonContext.Default.TeamsMessage).Length;
            if (size <= MaxBytes)
            {
                return card;
            }

            // Shorten evidence to a readable minimum, then show fewer incidents, then shorten evidence further.
            if (evidenceBudget > ReadableEvidenceChars)
            {
                evidenceBudget /= 2;
            }
            else if (shown > 1)
            {
                shown = (shown + 1) / 2;
            }
            else if (evidenceBudget > 50)
            {
                evidenceBudget /= 2;
            }
            else
            {
                return card;
            }
        }
    }

    private static TeamsMessage Build(NotificationMessage message, int shown, int evidenceBudget)
    {
        var resolved = message.Kind == NotificationKind.Resolved;
        var body = new List<AdaptiveElement>
        {
            new AdaptiveTextBlock(IncidentText.Title(message), Weight: "Bolder", Size: "Large", Color: resolved ? "Good" : "Attention"),
        };
        foreach (var item in message.Incidents.Take(shown))
        {
            var incident = item.Incident;
            var items = new List<AdaptiveElement> { new AdaptiveTextBlock(IncidentText.What(incident), Weight: "Bolder") };
            if (resolved)
            {
                items.Add(new AdaptiveTextBlock(IncidentText.ResolvedLine(incident)));
            }
            else
            {
                items.Add(new AdaptiveFactSet(
                [
                    new AdaptiveFact("How bad", IncidentText.HowBad(incident)),
                    new AdaptiveFact("Why", IncidentText.Why(incident)),
                    new AdaptiveFact("Resources", IncidentText.MetricsLine(item.Metrics)),
                ]));
                if (IncidentText.TopEvidence(incident) is { } evidence)
                {
                    items.Add(new AdaptiveTextBlock("Top evidence", Weight: "Bolder", Separator: true));
                    items.Add(new AdaptiveTextBlock(IncidentText.Truncate(evidence, evidenceBudget), FontType: "Monospace", IsSubtle: true));
                }

                var steps = IncidentText.FirstSteps(incident);
                if (steps.Count > 0)
                {
                    items.Add(new AdaptiveTextBlock("What to do", Weight: "Bolder", Separator: true));
                    items.Add(new AdaptiveTextBlock(string.Join("\n", steps.Select(s => "- " + IncidentText.Truncate(s, 500)))));
                }
            }

            if (item.Link is { } link)
            {
                items.Add(new AdaptiveTextBlock($"[Open incident]({link})", IsSubtle: true));
            }

            body.Add(new AdaptiveContainer(items, Style: resolved ? "good" : "attention", Separator: true));
        }

        if (message.Incidents.Count > shown)
        {
            body.Add(new AdaptiveTextBlock($"…and {message.Incidents.Count - shown} more incident(s) in this group.", IsSubtle: true));
        }

        var first = message.Incidents[0].Link;
        var card = new AdaptiveCard(body, first is null ? null : [new AdaptiveOpenUrlAction("Open incident", first.ToString())]);
        return new TeamsMessage([new TeamsAttachment(card)]);
    }
}
