namespace FunctionsApp.Notifications.Routing;

/// <summary>
/// Mutes matching incidents between <see cref="StartsAt"/> and <see cref="EndsAt"/>. Every matcher must match
/// (labels: <c>host</c>, <c>upstream</c>, <c>cause</c>, <c>severity</c>, <c>incident</c>; values are globs).
/// </summary>
public sealed record Silence(string Id, IReadOnlyList<SilenceMatcher> Matchers, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string CreatedBy, string Comment)
{
    public bool IsActive(DateTimeOffset now) => StartsAt <= now && now < EndsAt;
}
