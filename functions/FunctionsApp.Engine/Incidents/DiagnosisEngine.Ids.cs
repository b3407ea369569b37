using System.Security.Cryptography;
using System.Text;

namespace FunctionsApp.Incidents;

/// <summary>An incident's id: a hash of what identifies it, stable across batches and runs.</summary>
internal sealed partial class DiagnosisEngine
{
    /// <summary>The same site, upstream, host and start give the same id, whichever run or batch found it.</summary>
    /// <summary>An incident's id: stable for its upstream, host and start, whatever batches and runs found it.</summary>
    public static string IncidentId(string upstream, string host, DateTimeOffset start) =>
        Hash($"{upstream}\n{host}\n{start.ToUnixTimeSeconds()}");

    /// <summary>The id of an incident within a site: two nginx instances can fail on the same upstream and host in the
    /// same second.</summary>
    public static string SiteIncidentId(string incidentId, string site) => Hash($"{site}\n{incidentId}");

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 8));
}
