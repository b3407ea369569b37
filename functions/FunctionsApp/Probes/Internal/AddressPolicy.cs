using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace FunctionsApp.Probes.Internal;

/// <summary>
/// Which resolved addresses a probe may connect to. Never link-local or cloud metadata endpoints, nor unspecified,
/// multicast or broadcast addresses; loopback only when allowed (standalone) — unless the address (or a CIDR holding
/// it) is listed in <c>Probes:AllowedTargets</c>. Checked after DNS, on the address actually connected to, so a
/// name cannot be pointed at a forbidden address.
/// </summary>
internal sealed class AddressPolicy(IReadOnlyList<string> allowed, bool allowLoopback)
{
    private static readonly IPAddress[] Metadata =
    [
        IPAddress.Parse("169.254.169.254"), // Azure IMDS, AWS, GCP
        IPAddress.Parse("168.63.129.16"), // Azure wire server
        IPAddress.Parse("100.100.100.200"), // Alibaba
        IPAddress.Parse("fd00:ec2::254"),
    ];

    public bool AllowLoopback => allowLoopback;

    /// <summary>Whether <paramref name="address"/> may be probed; <paramref name="reason"/> says why not.</summary>
    public bool IsAllowed(IPAddress address, out string reason)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        reason = string.Empty;
        if (IsListed(address))
        {
            return true;
        }

        if (Metadata.Contains(address))
        {
            reason = $"{address} is a cloud metadata endpoint";
            return false;
        }

        if (IsLinkLocal(address))
        {
            reason = $"{address} is link-local";
            return false;
        }

        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast)
            || (address.AddressFamily == AddressFamily.InterNetwork && address.GetAddressBytes()[0] >= 224)
            || address.IsIPv6Multicast)
        {
            reason = $"{address} is not a unicast address";
            return false;
        }

        if (IPAddress.IsLoopback(address) && !allowLoopback)
        {
            reason = $"{address} is loopback: in Azure that is the app's own sandbox, not nginx's upstream (list it in Probes:AllowedTargets to probe it anyway)";
            return false;
        }

        return true;
    }

    /// <summary>Whether a name or <c>host:port</c> is listed verbatim.</summary>
    public bool IsListed(string name) => allowed.Any(a => string.Equals(a, name, StringComparison.OrdinalIgnoreCase));

    private bool IsListed(IPAddress address) => allowed.Any(entry => Matches(entry, address));

    private static bool Matches(string entry, IPAddress address)
    {
        var slash = entry.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            var host = entry;
            if (IPEndPoint.TryParse(entry, out var endpoint))
            {
                return endpoint.Address.Equals(address);
            }

            return IPAddress.TryParse(host, out var single) && single.Equals(address);
        }

        if (!IPAddress.TryParse(entry[..slash], out var network) || !int.TryParse(entry[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var bits)
            || network.AddressFamily != address.AddressFamily)
        {
            return false;
        }

        var a = network.GetAddressBytes();
        var b = address.GetAddressBytes();
        for (var i = 0; i < a.Length && bits > 0; i++, bits -= 8)
        {
            var mask = bits >= 8 ? 0xFF : (byte)(0xFF << (8 - bits));
            if ((a[i] & mask) != (b[i] & mask))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsLinkLocal(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return address.IsIPv6LinkLocal;
        }

        var bytes = address.GetAddressBytes();
        return bytes[0] == 169 && bytes[1] == 254;
    }
}
