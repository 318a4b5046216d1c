using System.Text;

namespace EksAutoMode.Engine.Aws;

/// <summary>
/// An EKS bearer token: <c>k8s-aws-v1.</c> + base64url (no padding) of a presigned STS GetCallerIdentity URL
/// whose signed headers include <c>x-k8s-aws-id: &lt;cluster&gt;</c> — the same thing <c>aws eks get-token</c>
/// prints. EKS accepts it for 15 minutes; like the CLI we report it as expiring after 14.
/// <see cref="ToString"/> never shows the token.
/// </summary>
public sealed class EksToken
{
    public const string Prefix = "k8s-aws-v1.";
    public static readonly TimeSpan Validity = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan ReportedLifetime = TimeSpan.FromMinutes(14);

    private EksToken(string token, string clusterName, DateTimeOffset issuedAt)
    {
        Token = token;
        ClusterName = clusterName;
        IssuedAt = issuedAt;
        ExpiresAt = issuedAt + ReportedLifetime;
    }

    public string Token { get; }
    public string ClusterName { get; }
    public DateTimeOffset IssuedAt { get; }
    public DateTimeOffset ExpiresAt { get; }

    public override string ToString() => $"EksToken({ClusterName}, expires {ExpiresAt:u})";

    internal static EksToken Create(AwsCredentials credentials, string region, AwsEndpoints? endpoints, string clusterName, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(clusterName))
        {
            throw new ArgumentException("The cluster name is empty.", nameof(clusterName));
        }

        Uri sts = AwsService.Sts.Endpoint(region, (endpoints ?? AwsEndpoints.None).For(AwsService.Sts));
        string host = AwsClient.HostHeader(sts);
        string path = sts.AbsolutePath.Length == 0 ? "/" : sts.AbsolutePath;
        var request = new SigV4Request
        {
            Method = "GET",
            Host = host,
            Path = path,
            Query = new List<KeyValuePair<string, string>> { new("Action", "GetCallerIdentity"), new("Version", "2011-06-15") },
            Headers = new List<KeyValuePair<string, string>> { new("host", host), new("x-k8s-aws-id", clusterName) },
        };
        (_, IList<KeyValuePair<string, string>> query) = SigV4Signer.Presign(request, credentials, region, "sts", now, TimeSpan.FromSeconds(60));
        string url = $"{sts.Scheme}://{host}{path}?" + string.Join('&', query.Select(p => SigV4Signer.UriEncode(p.Key) + "=" + SigV4Signer.UriEncode(p.Value)));
        string encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(url)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return new EksToken(Prefix + encoded, clusterName, now);
    }

    /// <summary>Decodes a token back to its presigned URL (diagnostics and tests).</summary>
    public static Uri DecodeUrl(string token)
    {
        if (!token.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw new FormatException("Not an EKS token (missing the k8s-aws-v1. prefix).");
        }

        string b64 = token[Prefix.Length..].Replace('-', '+').Replace('_', '/');
        b64 = b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '=');
        return new Uri(Encoding.UTF8.GetString(Convert.FromBase64String(b64)));
    }
}

/// <summary>Caches one cluster's token and refreshes it one minute before it expires.</summary>
internal sealed class EksTokenSource
{
    private static readonly TimeSpan RefreshBefore = TimeSpan.FromMinutes(1);
    private readonly AwsSession _session;
    private readonly string _clusterName;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private EksToken? _current;

    internal EksTokenSource(AwsSession session, string clusterName, TimeProvider time)
    {
        _session = session;
        _clusterName = clusterName;
        _time = time;
    }

    internal async Task<EksToken> GetAsync(CancellationToken cancellationToken)
    {
        EksToken? token = _current;
        if (token is not null && _time.GetUtcNow() < token.ExpiresAt - RefreshBefore)
        {
            return token;
        }

        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_current is null || _time.GetUtcNow() >= _current.ExpiresAt - RefreshBefore)
            {
                _current = await _session.GetEksTokenAsync(_clusterName, cancellationToken).ConfigureAwait(false);
            }

            return _current;
        }
        finally
        {
            _lock.Release();
        }
    }
}
