using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FunctionsApp.IntegrationTests.Probes;

/// <summary>Self-signed server certificates with chosen validity (the lab's are valid for 30 days from now).</summary>
internal static class ProbeCertificates
{
    public static X509Certificate2 Create(string dnsName, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={dnsName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(dnsName);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        return request.CreateSelfSigned(notBefore, notAfter);
    }
}
