using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FunctionsApp.IntegrationTests.Nginx.Upstreams;

/// <summary>Self-signed server certificates for the TLS upstream scenarios.</summary>
internal static class SelfSignedCertificates
{
    /// <summary>A self-signed server certificate valid for <paramref name="dnsName"/> only.</summary>
    public static X509Certificate2 Create(string dnsName, TimeProvider timeProvider)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={dnsName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(dnsName);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.KeyCertSign, critical: false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = timeProvider.GetUtcNow();
        return request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
    }

    /// <summary>Writes the certificate (no key) as PEM, for <c>proxy_ssl_trusted_certificate</c>.</summary>
    public static void WritePem(X509Certificate2 certificate, string path) =>
        File.WriteAllText(path, certificate.ExportCertificatePem());
}
