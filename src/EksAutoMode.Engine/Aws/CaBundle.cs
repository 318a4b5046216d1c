using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace EksAutoMode.Engine.Aws;

/// <summary>
/// AWS_CA_BUNDLE / the profile's ca_bundle (as the AWS CLI and SDKs honour them): a PEM file of extra root
/// certificates that AWS endpoints are verified against (corporate TLS proxies, private endpoints, the test
/// sandbox with --tls). Host names are always checked; only the trust anchors change.
/// </summary>
internal static class CaBundle
{
    private static readonly ConcurrentDictionary<string, HttpMessageHandler> Handlers = new(StringComparer.Ordinal);

    internal static HttpMessageHandler HandlerFor(string path)
    {
        string full = Path.GetFullPath(path);
        return Handlers.GetOrAdd(full, p =>
        {
            X509Certificate2Collection roots = Load(p);
            return new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                ConnectTimeout = TimeSpan.FromSeconds(10),
                AutomaticDecompression = System.Net.DecompressionMethods.GZip | System.Net.DecompressionMethods.Deflate,
                SslOptions = new SslClientAuthenticationOptions
                {
                    RemoteCertificateValidationCallback = (_, certificate, _, errors) => Validate(roots, certificate, errors),
                },
            };
        });
    }

    internal static X509Certificate2Collection Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new EngineException("AwsCaBundleNotFound", ErrorKind.ObjectNotFound, $"The CA bundle '{path}' (AWS_CA_BUNDLE / ca_bundle) does not exist.", path);
        }

        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(path);
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            throw new EngineException("AwsCaBundleInvalid", ErrorKind.InvalidData, $"The CA bundle '{path}' is not a PEM certificate file: {ex.Message}", path, ex);
        }

        if (roots.Count == 0)
        {
            throw new EngineException("AwsCaBundleInvalid", ErrorKind.InvalidData, $"The CA bundle '{path}' contains no certificate.", path);
        }

        return roots;
    }

    internal static bool Validate(X509Certificate2Collection roots, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var cert = new X509Certificate2(certificate);
        return chain.Build(cert);
    }
}
