using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace EksAutoMode.Engine.Aws;

/// <summary>An HTTP request as Signature Version 4 sees it. Path and query are unencoded (decoded) values.</summary>
public sealed class SigV4Request
{
    public string Method { get; init; } = "GET";
    public string Host { get; init; } = string.Empty;

    /// <summary>Decoded absolute path, e.g. <c>/clusters/my-cluster</c>.</summary>
    public string Path { get; init; } = "/";

    /// <summary>Decoded query parameters in any order (duplicates allowed).</summary>
    public IList<KeyValuePair<string, string>> Query { get; init; } = new List<KeyValuePair<string, string>>();

    /// <summary>Headers to sign (name, value); repeated names are joined with commas in order.</summary>
    public IList<KeyValuePair<string, string>> Headers { get; init; } = new List<KeyValuePair<string, string>>();

    public byte[] Payload { get; init; } = Array.Empty<byte>();
}

/// <summary>Everything a signature produced, for the wire and for diagnosis (no secrets in it).</summary>
public sealed record SigV4Result(
    string CanonicalRequest,
    string StringToSign,
    string SignedHeaders,
    string Signature,
    string Authorization,
    string AmzDate,
    string CredentialScope);

/// <summary>
/// AWS Signature Version 4 (AWS4-HMAC-SHA256), written from the published specification
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html) and checked against the
/// published AWS SigV4 test suite (tests/Unit/TestData/Aws/aws4_testsuite). Non-S3 rules: path segments are
/// normalised (dot segments removed) and each segment is percent-encoded (RFC 3986 unreserved characters kept).
/// </summary>
public static class SigV4Signer
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// <summary>
    /// Signs with an Authorization header. Adds <c>X-Amz-Date</c> (when absent) and, for temporary credentials,
    /// <c>X-Amz-Security-Token</c> to <paramref name="request"/>'s headers before signing.
    /// </summary>
    public static SigV4Result Sign(SigV4Request request, AwsCredentials credentials, string region, string service, DateTimeOffset time)
    {
        string amzDate = time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        if (!request.Headers.Any(h => h.Key.Equals("x-amz-date", StringComparison.OrdinalIgnoreCase)))
        {
            request.Headers.Add(new("X-Amz-Date", amzDate));
        }
        else
        {
            amzDate = request.Headers.First(h => h.Key.Equals("x-amz-date", StringComparison.OrdinalIgnoreCase)).Value.Trim();
        }

        if (!request.Headers.Any(h => h.Key.Equals("host", StringComparison.OrdinalIgnoreCase)))
        {
            request.Headers.Insert(0, new("Host", request.Host));
        }

        if (credentials.SessionToken is not null && !request.Headers.Any(h => h.Key.Equals("x-amz-security-token", StringComparison.OrdinalIgnoreCase)))
        {
            request.Headers.Add(new("X-Amz-Security-Token", credentials.SessionToken));
        }

        string payloadHash = HexSha256(request.Payload);
        (string canonicalHeaders, string signedHeaders) = CanonicalHeaders(request.Headers);
        string canonicalRequest = string.Join('\n',
            request.Method.ToUpperInvariant(),
            CanonicalUri(request.Path),
            CanonicalQuery(request.Query),
            canonicalHeaders,
            signedHeaders,
            payloadHash);
        return Finish(canonicalRequest, signedHeaders, credentials, region, service, amzDate);
    }

    /// <summary>
    /// Presigns a GET request (signature in the query string, as <c>aws eks get-token</c> does for STS).
    /// Returns the full query (including X-Amz-Signature) as decoded pairs.
    /// </summary>
    public static (SigV4Result Result, IList<KeyValuePair<string, string>> Query) Presign(
        SigV4Request request, AwsCredentials credentials, string region, string service, DateTimeOffset time, TimeSpan expires)
    {
        string amzDate = time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        string scope = $"{amzDate[..8]}/{region}/{service}/aws4_request";
        var headers = new List<KeyValuePair<string, string>>(request.Headers);
        if (!headers.Any(h => h.Key.Equals("host", StringComparison.OrdinalIgnoreCase)))
        {
            headers.Insert(0, new("Host", request.Host));
        }

        (string canonicalHeaders, string signedHeaders) = CanonicalHeaders(headers);
        var query = new List<KeyValuePair<string, string>>(request.Query)
        {
            new("X-Amz-Algorithm", Algorithm),
            new("X-Amz-Credential", $"{credentials.AccessKeyId}/{scope}"),
            new("X-Amz-Date", amzDate),
            new("X-Amz-Expires", ((long)expires.TotalSeconds).ToString(CultureInfo.InvariantCulture)),
            new("X-Amz-SignedHeaders", signedHeaders),
        };
        if (credentials.SessionToken is not null)
        {
            query.Add(new("X-Amz-Security-Token", credentials.SessionToken));
        }

        string canonicalRequest = string.Join('\n',
            request.Method.ToUpperInvariant(),
            CanonicalUri(request.Path),
            CanonicalQuery(query),
            canonicalHeaders,
            signedHeaders,
            HexSha256(request.Payload));
        SigV4Result result = Finish(canonicalRequest, signedHeaders, credentials, region, service, amzDate);
        query.Add(new("X-Amz-Signature", result.Signature));
        return (result, query);
    }

    private static SigV4Result Finish(string canonicalRequest, string signedHeaders, AwsCredentials credentials, string region, string service, string amzDate)
    {
        string date = amzDate[..8];
        string scope = $"{date}/{region}/{service}/aws4_request";
        string stringToSign = string.Join('\n', Algorithm, amzDate, scope, HexSha256(Encoding.UTF8.GetBytes(canonicalRequest)));
        byte[] key = SigningKey(credentials.SecretAccessKey, date, region, service);
        string signature = Convert.ToHexString(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign))).ToLowerInvariant();
        string authorization = $"{Algorithm} Credential={credentials.AccessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}";
        return new SigV4Result(canonicalRequest, stringToSign, signedHeaders, signature, authorization, amzDate, scope);
    }

    internal static byte[] SigningKey(string secret, string date, string region, string service)
    {
        byte[] kDate = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secret), Encoding.UTF8.GetBytes(date));
        byte[] kRegion = HMACSHA256.HashData(kDate, Encoding.UTF8.GetBytes(region));
        byte[] kService = HMACSHA256.HashData(kRegion, Encoding.UTF8.GetBytes(service));
        return HMACSHA256.HashData(kService, "aws4_request"u8.ToArray());
    }

    public static string HexSha256(ReadOnlySpan<byte> data) => Convert.ToHexString(SHA256.HashData(data)).ToLowerInvariant();

    internal static (string Canonical, string Signed) CanonicalHeaders(IEnumerable<KeyValuePair<string, string>> headers)
    {
        var grouped = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (name, value) in headers)
        {
            string key = name.Trim().ToLowerInvariant();
            if (!grouped.TryGetValue(key, out var list))
            {
                grouped[key] = list = new List<string>();
            }

            list.Add(TrimAll(value));
        }

        var sb = new StringBuilder();
        foreach (var (name, values) in grouped)
        {
            sb.Append(name).Append(':').Append(string.Join(',', values)).Append('\n');
        }

        return (sb.ToString(), string.Join(';', grouped.Keys));
    }

    /// <summary>Trims and collapses runs of whitespace to one space (the spec's Trimall).</summary>
    private static string TrimAll(string value)
    {
        var sb = new StringBuilder(value.Length);
        bool space = false;
        foreach (char c in value.Trim())
        {
            if (c is ' ' or '\t' or '\n' or '\r')
            {
                space = true;
                continue;
            }

            if (space)
            {
                sb.Append(' ');
                space = false;
            }

            sb.Append(c);
        }

        return sb.ToString();
    }

    internal static string CanonicalUri(string path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return "/";
        }

        // Remove dot segments and duplicate slashes (RFC 3986 5.2.4), as non-S3 services expect.
        var output = new List<string>();
        foreach (string segment in path.Split('/'))
        {
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (output.Count > 0)
                {
                    output.RemoveAt(output.Count - 1);
                }

                continue;
            }

            output.Add(UriEncode(segment));
        }

        string result = "/" + string.Join('/', output);
        if (path.EndsWith('/') && output.Count > 0)
        {
            result += "/";
        }

        return result;
    }

    internal static string CanonicalQuery(IEnumerable<KeyValuePair<string, string>> query)
    {
        return string.Join('&', query
            .Select(p => (Key: UriEncode(p.Key), Value: UriEncode(p.Value ?? string.Empty)))
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => p.Key + "=" + p.Value));
    }

    /// <summary>RFC 3986 percent-encoding of everything except A-Z a-z 0-9 - _ . ~ (UTF-8, upper-case hex).</summary>
    public static string UriEncode(string value)
    {
        var sb = new StringBuilder(value.Length * 2);
        foreach (byte b in Encoding.UTF8.GetBytes(value))
        {
            char c = (char)b;
            if (c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.' or '~')
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }
}
