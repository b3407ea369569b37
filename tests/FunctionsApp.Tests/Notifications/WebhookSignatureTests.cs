using System.Text;
using System.Text.Json;
using FunctionsApp.Notifications;
using FunctionsApp.Notifications.Delivery;
using FunctionsApp.Notifications.Webhook;
using static FunctionsApp.Tests.Notifications.TestIncidents;

namespace FunctionsApp.Tests.Notifications;

public sealed class WebhookSignatureTests
{
    private const string Secret = "0123456789abcdef0123456789abcdef-test";
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 5, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    [Fact]
    public void Sign_KnownInput_MatchesIndependentHmac()
    {
        var body = "{\"a\":1}"u8.ToArray();

        var header = WebhookSignature.Sign(body, Secret, Now);

        var expected = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(
            Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes($"{Now.ToUnixTimeSeconds()}.{{\"a\":1}}")));
        Assert.Equal($"t={Now.ToUnixTimeSeconds()},v1={expected}", header);
    }

    [Fact]
    public void Verify_RenderedPayload_RoundTrips()
    {
        var body = NotificationRenderer.Render(ReceiverType.Webhook, Message());
        var header = WebhookSignature.Sign(body, Secret, Now);

        Assert.True(WebhookSignature.Verify(body, header, Secret, Now.AddSeconds(30), Tolerance));
    }

    [Fact]
    public void Verify_TamperedBody_Fails()
    {
        var body = NotificationRenderer.Render(ReceiverType.Webhook, Message());
        var header = WebhookSignature.Sign(body, Secret, Now);
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace("1,234", "1,235", StringComparison.Ordinal));

        Assert.NotEqual(body, tampered);
        Assert.False(WebhookSignature.Verify(tampered, header, Secret, Now, Tolerance));
    }

    [Theory]
    [InlineData("wrong-secret-wrong-secret-wrong-secret", 0)]
    [InlineData(Secret, 301)]
    [InlineData(Secret, -301)]
    public void Verify_WrongSecretOrStaleTimestamp_Fails(string secret, int skewSeconds)
    {
        var body = "{}"u8.ToArray();
        var header = WebhookSignature.Sign(body, Secret, Now);

        Assert.False(WebhookSignature.Verify(body, header, secret, Now.AddSeconds(skewSeconds), Tolerance));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("v1=abc")]
    [InlineData("t=notanumber,v1=abc")]
    public void Verify_MalformedHeader_Fails(string? header) =>
        Assert.False(WebhookSignature.Verify("{}"u8, header, Secret, Now, Tolerance));

    [Fact]
    public void Verify_RotatedSecrets_AnyMatchingSignatureAccepted()
    {
        var body = "{}"u8.ToArray();
        var current = WebhookSignature.Sign(body, Secret, Now);
        var header = current + ",v1=" + new string('0', 64);

        Assert.True(WebhookSignature.Verify(body, header, Secret, Now, Tolerance));
    }

    [Fact]
    public void Render_Webhook_IsCamelCaseIncidentJsonWithMetricsOnceAndLink()
    {
        using var doc = JsonDocument.Parse(NotificationRenderer.Render(ReceiverType.Webhook, Message()));
        var root = doc.RootElement;

        Assert.Equal("2", root.GetProperty("version").GetString());
        Assert.Equal("firing", root.GetProperty("kind").GetString());
        var item = root.GetProperty("incidents")[0];
        Assert.Equal("overload", item.GetProperty("incident").GetProperty("cause").GetString());
        Assert.Equal(1234, item.GetProperty("incident").GetProperty("failedRequests").GetInt32());
        Assert.Equal("corroborated", item.GetProperty("incident").GetProperty("metrics").GetProperty("verdict").GetString());
        Assert.False(item.TryGetProperty("metrics", out _));
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(root.GetRawText(), "\"metrics\""));
        Assert.Equal("critical", item.GetProperty("severity").GetString());
        Assert.StartsWith("https://diag.example.com/api/dashboard/incidents/", item.GetProperty("link").GetString(), StringComparison.Ordinal);
        Assert.Equal(item.GetProperty("link").GetString(), root.GetProperty("link").GetString());
    }

    [Fact]
    public void IdempotencyKey_SameInputs_Stable_AnyPartDifferent_Differs()
    {
        var a = NotificationRenderer.IdempotencyKey("ops-slack", "g", "inc1", NotificationKind.Firing, 1);

        Assert.Equal(a, NotificationRenderer.IdempotencyKey("ops-slack", "g", "inc1", NotificationKind.Firing, 1));
        Assert.NotEqual(a, NotificationRenderer.IdempotencyKey("ops-slack", "g", "inc1", NotificationKind.Resolved, 1));
        Assert.NotEqual(a, NotificationRenderer.IdempotencyKey("ops-teams", "g", "inc1", NotificationKind.Firing, 1));
        Assert.NotEqual(a, NotificationRenderer.IdempotencyKey("ops-slack", "g", "inc2", NotificationKind.Firing, 1));
        Assert.Equal(32, a.Length);
    }
}
