namespace FunctionsApp.Notifications.Digest;

public sealed record DigestUpstream(string Upstream, string Host, int Incidents, long FailedRequests);
