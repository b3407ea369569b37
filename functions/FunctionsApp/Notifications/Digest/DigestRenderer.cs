using System.Globalization;
using System.Text;
using System.Text.Json;
using FunctionsApp.Notifications.Slack;
using FunctionsApp.Notifications.Teams;

namespace FunctionsApp.Notifications.Digest;

/// <summary>A digest in each receiver's format, reusing the Slack and Teams payload types.</summary>
internal static class DigestRenderer
{
    public static byte[] Render(ReceiverType type, DigestReport report) => type switch
    {
        ReceiverType.Slack => JsonSerializer.SerializeToUtf8Bytes(Slack(report), NotificationsJsonContext.Default.SlackMessage),
        ReceiverType.Teams => JsonSerializer.SerializeToUtf8Bytes(Teams(report), NotificationsJsonContext.Default.TeamsMessage),
        ReceiverType.Webhook => JsonSerializer.SerializeToUtf8Bytes(report, NotificationsJsonContext.Default.DigestReport),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    public static string Title(DigestReport report) =>
        string.Create(CultureInfo.InvariantCulture, $"Daily 502 digest {report.From:yyyy-MM-dd HH:mm}–{report.To:yyyy-MM-dd HH:mm} UTC");

    public static string Summary(DigestReport report) => report.Incidents == 0
        ? "No gateway-error incidents."
        : string.Create(CultureInfo.InvariantCulture,
            $"{report.Incidents} incident(s), {report.StillOpen} still open, {report.FailedRequests:N0} failed requests; longest {Minutes(report.LongestIncident)}.");

    private static SlackMessage Slack(DigestReport report)
    {
        var causes = string.Join("\n", report.ByCause.Select(c => $"• {SlackMessageBuilder.Escape(c.Name)}: {c.Count}"));
        var upstreams = new StringBuilder();
        foreach (var u in report.TopUpstreams)
        {
            upstreams.Append(CultureInfo.InvariantCulture, $"• {SlackMessageBuilder.Escape(u.Upstream)} ({SlackMessageBuilder.Escape(u.Host)}): {u.FailedRequests:N0} failed in {u.Incidents} incident(s)\n");
        }

        List<SlackBlock> blocks =
        [
            new SlackHeaderBlock(SlackText.Plain(IncidentText.Truncate("📊 " + Title(report), SlackMessageBuilder.MaxHeaderText))),
            new SlackSectionBlock(SlackText.Markdown(SlackMessageBuilder.Escape(Summary(report)))),
        ];
        if (report.Incidents > 0)
        {
            blocks.Add(new SlackSectionBlock(null,
            [
                SlackText.Markdown(IncidentText.Truncate("*By cause*\n" + causes, SlackMessageBuilder.MaxSectionText / 2)),
                SlackText.Markdown(IncidentText.Truncate("*Top upstreams*\n" + upstreams, SlackMessageBuilder.MaxSectionText / 2)),
            ]));
        }

        if (report.ReportedLate.Count > 0)
        {
            blocks.Add(new SlackSectionBlock(SlackText.Markdown(IncidentText.Truncate(
                "*Reported late (not announced)*\n" + string.Join("\n", report.ReportedLate.Take(20).Select(l => "• " + SlackMessageBuilder.Escape(Late(l)))),
                SlackMessageBuilder.MaxSectionText))));
        }

        blocks.Add(new SlackContextBlock([SlackText.Markdown(Deliveries(report))]));
        return new SlackMessage(Title(report) + ": " + Summary(report), blocks);
    }

    private static TeamsMessage Teams(DigestReport report)
    {
        var body = new List<AdaptiveElement>
        {
            new AdaptiveTextBlock(Title(report), Weight: "Bolder", Size: "Large"),
            new AdaptiveTextBlock(Summary(report)),
        };
        if (report.Incidents > 0)
        {
            body.Add(new AdaptiveFactSet([.. report.ByCause.Select(c => new AdaptiveFact(c.Name, c.Count.ToString(CultureInfo.InvariantCulture)))]));
            // Upstreams and hosts come from the logs: plain TextRuns, never markdown.
            body.Add(new AdaptiveRichTextBlock([new AdaptiveTextRun(string.Join("\n", report.TopUpstreams.Select(u =>
                string.Create(CultureInfo.InvariantCulture, $"{u.Upstream}: {u.FailedRequests:N0} failed in {u.Incidents} incident(s) on {u.Host}"))))]));
        }

        if (report.ReportedLate.Count > 0)
        {
            body.Add(new AdaptiveRichTextBlock([new AdaptiveTextRun("Reported late (not announced)\n", Weight: "Bolder"),
                new AdaptiveTextRun(string.Join("\n", report.ReportedLate.Take(20).Select(l => "• " + Late(l))))]));
        }

        body.Add(new AdaptiveTextBlock(Deliveries(report), IsSubtle: true));
        return new TeamsMessage([new TeamsAttachment(new AdaptiveCard(body, null))]);
    }

    private static string Late(DigestLate late) =>
        string.Create(CultureInfo.InvariantCulture, $"{late.What}: {late.Start.UtcDateTime:yyyy-MM-dd HH:mm}–{late.End.UtcDateTime:HH:mm} UTC, reported {late.DetectedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC");

    private static string Deliveries(DigestReport report) =>
        $"Notifications: {report.Deliveries.Sent} sent, {report.Deliveries.Pending} pending, {report.Deliveries.DeadLettered} dead-lettered.";

    private static string Minutes(TimeSpan? duration) =>
        duration is { } d ? string.Create(CultureInfo.InvariantCulture, $"{Math.Round(d.TotalMinutes):0} min") : "n/a";
}
