using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace EksAutoMode.Sandbox.Core;

/// <summary>One set of scenario credentials (an IAM user or an assumed-role session).</summary>
internal sealed class Identity
{
    public string AccessKeyId = "";
    public string SecretAccessKey = "";
    public string? SessionToken;
    public string Arn = "";
    public string UserId = "";
    public string Account = "";
    public bool Expired;
    /// <summary>IAM actions denied to this identity ("eks:DescribeCluster", "iam:*").</summary>
    public List<string> Deny = new();
    /// <summary>Kubernetes "verb:resource" pairs this identity may not perform ("list:secrets", "patch:*").</summary>
    public List<string> KubernetesForbidden = new();

    public bool Denies(string action) => Deny.Any(p => Glob.Match(p, action));
}

internal enum SigFailure
{
    None,
    Missing,
    Malformed,
    UnknownAccessKey,
    SignatureMismatch,
    Expired,
    InvalidToken,
    ExpiredToken,
}

internal sealed class SigResult
{
    public SigFailure Failure;
    public string Message = "";
    public Identity? Identity;
    public string Service = "";
    public string Region = "";
    public bool Presigned;
    public DateTimeOffset Date;
    public Dictionary<string, string> Query = new(StringComparer.Ordinal);
    public bool Ok => Failure == SigFailure.None;

    public static SigResult Fail(SigFailure f, string message) => new() { Failure = f, Message = message };
}

/// <summary>
/// AWS Signature Version 4 verification (Authorization header and presigned query forms), written from the
/// published algorithm (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html).
/// </summary>
internal static class SigV4
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public static readonly TimeSpan MaxSkew = TimeSpan.FromMinutes(15);
    public const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// <param name="header">Returns the comma-joined values of a request header (case-insensitive name) or null.</param>
    public static SigResult Verify(string method, string rawPath, string rawQuery, Func<string, string?> header, byte[] body,
        Func<string, Identity?> findKey, DateTimeOffset now, TimeSpan? maxPresignAge = null)
    {
        var query = ParseQuery(rawQuery);
        var auth = header("authorization");
        if (auth != null && auth.StartsWith(Algorithm, StringComparison.Ordinal))
            return VerifyHeader(method, rawPath, query, header, body, auth, findKey, now);
        if (query.Any(q => q.Key == "X-Amz-Signature"))
            return VerifyPresigned(method, rawPath, query, header, findKey, now, maxPresignAge);
        if (auth != null)
            return SigResult.Fail(SigFailure.Malformed, $"Authorization header requires '{Algorithm}' signing.");
        return SigResult.Fail(SigFailure.Missing, "Missing Authentication Token");
    }

    private static SigResult VerifyHeader(string method, string rawPath, List<KeyValuePair<string, string>> query, Func<string, string?> header,
        byte[] body, string auth, Func<string, Identity?> findKey, DateTimeOffset now)
    {
        // AWS4-HMAC-SHA256 Credential=AKID/20250101/us-west-2/eks/aws4_request, SignedHeaders=host;x-amz-date, Signature=hex
        var parts = auth[Algorithm.Length..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.Ordinal);
        if (!parts.TryGetValue("Credential", out var credential) || !parts.TryGetValue("SignedHeaders", out var signedHeaders) || !parts.TryGetValue("Signature", out var signature))
            return SigResult.Fail(SigFailure.Malformed, "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.");
        var amzDate = header("x-amz-date");
        if (amzDate == null)
            return SigResult.Fail(SigFailure.Malformed, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        var payloadHash = header("x-amz-content-sha256");
        if (payloadHash == null) payloadHash = Hex(SHA256.HashData(body));
        else if (payloadHash != "UNSIGNED-PAYLOAD" && !payloadHash.Equals(Hex(SHA256.HashData(body)), StringComparison.OrdinalIgnoreCase))
            return SigResult.Fail(SigFailure.SignatureMismatch, "The provided 'x-amz-content-sha256' header does not match what was computed.");
        var token = header("x-amz-security-token");
        return Check(method, rawPath, query, header, credential, signedHeaders, signature, amzDate, null, [payloadHash], token, findKey, now, presigned: false, null);
    }

    private static SigResult VerifyPresigned(string method, string rawPath, List<KeyValuePair<string, string>> query, Func<string, string?> header,
        Func<string, Identity?> findKey, DateTimeOffset now, TimeSpan? maxPresignAge)
    {
        string? Q(string k) => query.FirstOrDefault(q => q.Key == k).Value;
        var alg = Q("X-Amz-Algorithm");
        if (alg != Algorithm) return SigResult.Fail(SigFailure.Malformed, $"X-Amz-Algorithm only supports '{Algorithm}'.");
        var credential = Q("X-Amz-Credential");
        var signedHeaders = Q("X-Amz-SignedHeaders");
        var signature = Q("X-Amz-Signature");
        var amzDate = Q("X-Amz-Date");
        var expires = Q("X-Amz-Expires");
        if (credential == null || signedHeaders == null || signature == null || amzDate == null || expires == null)
            return SigResult.Fail(SigFailure.Malformed, "AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-Date', 'X-Amz-Expires'.");
        if (!int.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds < 1 || seconds > 604800)
            return SigResult.Fail(SigFailure.Malformed, "X-Amz-Expires must be a number of seconds between 1 and 604800.");
        var unsigned = query.Where(q => q.Key != "X-Amz-Signature").ToList();
        var token = Q("X-Amz-Security-Token");
        // A presigned URL carries no payload hash: SDKs use UNSIGNED-PAYLOAD or the hash of the empty body.
        var age = maxPresignAge ?? TimeSpan.FromSeconds(seconds);
        return Check(method, rawPath, unsigned, header, credential, signedHeaders, signature, amzDate, age, ["UNSIGNED-PAYLOAD", EmptySha256], token, findKey, now, presigned: true, query);
    }

    private static SigResult Check(string method, string rawPath, List<KeyValuePair<string, string>> query, Func<string, string?> header,
        string credential, string signedHeaders, string signature, string amzDate, TimeSpan? validFor, string[] payloadHashes, string? token,
        Func<string, Identity?> findKey, DateTimeOffset now, bool presigned, List<KeyValuePair<string, string>>? fullQuery)
    {
        var cred = credential.Split('/');
        if (cred.Length != 5 || cred[4] != "aws4_request")
            return SigResult.Fail(SigFailure.Malformed, $"Credential should be scoped to a valid region, not '{credential}'. ");
        var (keyId, day, region, service) = (cred[0], cred[1], cred[2], cred[3]);
        if (!DateTimeOffset.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date))
            return SigResult.Fail(SigFailure.Malformed, $"X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\", not '{amzDate}'.");
        if (day != amzDate[..8])
            return SigResult.Fail(SigFailure.SignatureMismatch, $"Credential should be scoped to a valid date: '{amzDate[..8]}', not '{day}'.");
        var identity = findKey(keyId);
        if (identity == null)
            return SigResult.Fail(SigFailure.UnknownAccessKey, "The security token included in the request is invalid.");

        var result = new SigResult { Identity = identity, Service = service, Region = region, Presigned = presigned, Date = date };
        foreach (var q in fullQuery ?? query) result.Query[q.Key] = q.Value;

        var names = signedHeaders.Split(';');
        if (!names.Contains("host"))
            return SigResult.Fail(SigFailure.SignatureMismatch, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
        var canonicalHeaders = new StringBuilder();
        foreach (var n in names)
        {
            var v = header(n);
            if (v == null) return SigResult.Fail(SigFailure.SignatureMismatch, $"The request signature we calculated does not match the signature you provided. Signed header '{n}' is missing.");
            canonicalHeaders.Append(n).Append(':').Append(CollapseSpaces(v.Trim())).Append('\n');
        }
        var canonicalQuery = CanonicalQuery(query);
        var scope = $"{day}/{region}/{service}/aws4_request";
        var key = SigningKey(identity.SecretAccessKey, day, region, service);
        var matched = false;
        foreach (var path in CanonicalPaths(rawPath))
        {
            foreach (var ph in payloadHashes)
            {
                var canonicalRequest = $"{method}\n{path}\n{canonicalQuery}\n{canonicalHeaders}\n{signedHeaders}\n{ph}";
                var stringToSign = $"{Algorithm}\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";
                var expected = Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
                if (CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature.ToLowerInvariant())))
                {
                    matched = true;
                    break;
                }
            }
            if (matched) break;
        }
        if (!matched)
            return SigResult.Fail(SigFailure.SignatureMismatch, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.");

        // Time: header form allows 15 minutes of clock skew; presigned URLs expire after their X-Amz-Expires.
        if (validFor is { } vf)
        {
            if (now > date + vf)
                return Expire(result, $"Request has expired. X-Amz-Date {amzDate} plus {vf.TotalSeconds:0} seconds is earlier than {now.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}.");
            if (date - now > MaxSkew)
                return Expire(result, $"Signature not yet current: {amzDate} is still later than {(now + MaxSkew).UtcDateTime:yyyyMMdd'T'HHmmss'Z'} ({now.UtcDateTime:yyyyMMdd'T'HHmmss'Z'} + 15 min.)");
        }
        else if ((now - date).Duration() > MaxSkew)
        {
            return Expire(result, now > date
                ? $"Signature expired: {amzDate} is now earlier than {(now - MaxSkew).UtcDateTime:yyyyMMdd'T'HHmmss'Z'} ({now.UtcDateTime:yyyyMMdd'T'HHmmss'Z'} - 15 min.)"
                : $"Signature not yet current: {amzDate} is still later than {(now + MaxSkew).UtcDateTime:yyyyMMdd'T'HHmmss'Z'} ({now.UtcDateTime:yyyyMMdd'T'HHmmss'Z'} + 15 min.)");
        }

        if (identity.SessionToken != null && token != identity.SessionToken)
            return Fail(result, SigFailure.InvalidToken, "The security token included in the request is invalid.");
        if (identity.SessionToken == null && token != null)
            return Fail(result, SigFailure.InvalidToken, "The security token included in the request is invalid.");
        if (identity.Expired)
            return Fail(result, SigFailure.ExpiredToken, "The security token included in the request is expired");
        return result;
    }

    private static SigResult Expire(SigResult r, string message) => Fail(r, SigFailure.Expired, message);

    private static SigResult Fail(SigResult r, SigFailure f, string message)
    {
        r.Failure = f;
        r.Message = message;
        return r;
    }

    /// <summary>Non-S3 services URI-encode the (already encoded) path once more; accept the single-encoded form too.</summary>
    private static IEnumerable<string> CanonicalPaths(string rawPath)
    {
        var p = string.IsNullOrEmpty(rawPath) ? "/" : rawPath;
        var doubled = UriEncode(p, keepSlash: true);
        yield return doubled;
        if (doubled != p) yield return p;
        var normalized = UriEncode(Uri.UnescapeDataString(p), keepSlash: true);
        if (normalized != p && normalized != doubled) yield return normalized;
    }

    public static List<KeyValuePair<string, string>> ParseQuery(string rawQuery)
    {
        var list = new List<KeyValuePair<string, string>>();
        var q = rawQuery.StartsWith('?') ? rawQuery[1..] : rawQuery;
        if (q.Length == 0) return list;
        foreach (var part in q.Split('&'))
        {
            if (part.Length == 0) continue;
            var i = part.IndexOf('=');
            var k = i < 0 ? part : part[..i];
            var v = i < 0 ? "" : part[(i + 1)..];
            list.Add(new(Uri.UnescapeDataString(k), Uri.UnescapeDataString(v)));
        }
        return list;
    }

    public static string CanonicalQuery(IEnumerable<KeyValuePair<string, string>> query) =>
        string.Join('&', query.Select(q => (K: UriEncode(q.Key, false), V: UriEncode(q.Value, false)))
            .OrderBy(x => x.K, StringComparer.Ordinal).ThenBy(x => x.V, StringComparer.Ordinal).Select(x => x.K + "=" + x.V));

    public static string UriEncode(string s, bool keepSlash)
    {
        var sb = new StringBuilder(s.Length + 8);
        foreach (var b in Encoding.UTF8.GetBytes(s))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~' || (keepSlash && c == '/')) sb.Append(c);
            else sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    private static string CollapseSpaces(string s)
    {
        if (!s.Contains("  ", StringComparison.Ordinal)) return s;
        var sb = new StringBuilder(s.Length);
        var prevSpace = false;
        foreach (var c in s)
        {
            if (c == ' ') { if (!prevSpace) sb.Append(c); prevSpace = true; }
            else { sb.Append(c); prevSpace = false; }
        }
        return sb.ToString();
    }

    public static byte[] SigningKey(string secret, string day, string region, string service)
    {
        var k = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secret), Encoding.UTF8.GetBytes(day));
        k = HMACSHA256.HashData(k, Encoding.UTF8.GetBytes(region));
        k = HMACSHA256.HashData(k, Encoding.UTF8.GetBytes(service));
        return HMACSHA256.HashData(k, Encoding.UTF8.GetBytes("aws4_request"));
    }

    public static string Hex(byte[] b) => Convert.ToHexStringLower(b);

    /// <summary>Signs a request the way SDKs do (used by tests and by the sandbox's own token helper).</summary>
    public static string Presign(string method, string url, IDictionary<string, string> headers, Identity id, string region, string service, DateTimeOffset when, int expiresSeconds)
    {
        var uri = new Uri(url);
        var amzDate = when.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var day = amzDate[..8];
        var all = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["host"] = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}" };
        foreach (var h in headers) all[h.Key.ToLowerInvariant()] = h.Value;
        var signedHeaders = string.Join(';', all.Keys);
        var query = ParseQuery(uri.Query);
        query.Add(new("X-Amz-Algorithm", Algorithm));
        query.Add(new("X-Amz-Credential", $"{id.AccessKeyId}/{day}/{region}/{service}/aws4_request"));
        query.Add(new("X-Amz-Date", amzDate));
        query.Add(new("X-Amz-Expires", expiresSeconds.ToString(CultureInfo.InvariantCulture)));
        query.Add(new("X-Amz-SignedHeaders", signedHeaders));
        if (id.SessionToken != null) query.Add(new("X-Amz-Security-Token", id.SessionToken));
        var canonicalQuery = CanonicalQuery(query);
        var canonicalHeaders = string.Concat(all.Select(h => $"{h.Key}:{h.Value.Trim()}\n"));
        var path = UriEncode(string.IsNullOrEmpty(uri.AbsolutePath) ? "/" : uri.AbsolutePath, true);
        var canonicalRequest = $"{method}\n{path}\n{canonicalQuery}\n{canonicalHeaders}\n{signedHeaders}\n{EmptySha256}";
        var sts = $"{Algorithm}\n{amzDate}\n{day}/{region}/{service}/aws4_request\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";
        var sig = Hex(HMACSHA256.HashData(SigningKey(id.SecretAccessKey, day, region, service), Encoding.UTF8.GetBytes(sts)));
        return $"{uri.Scheme}://{all["host"]}{uri.AbsolutePath}?{canonicalQuery}&X-Amz-Signature={sig}";
    }

    /// <summary>Signs a request with the Authorization header (returns headers to add).</summary>
    public static Dictionary<string, string> SignHeaders(string method, string url, IDictionary<string, string> headers, byte[] body, Identity id, string region, string service, DateTimeOffset when)
    {
        var uri = new Uri(url);
        var amzDate = when.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var day = amzDate[..8];
        var all = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["host"] = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}", ["x-amz-date"] = amzDate };
        foreach (var h in headers) all[h.Key.ToLowerInvariant()] = h.Value;
        if (id.SessionToken != null) all["x-amz-security-token"] = id.SessionToken;
        var signedHeaders = string.Join(';', all.Keys);
        var canonicalHeaders = string.Concat(all.Select(h => $"{h.Key}:{h.Value.Trim()}\n"));
        var path = UriEncode(string.IsNullOrEmpty(uri.AbsolutePath) ? "/" : uri.AbsolutePath, true);
        var canonicalRequest = $"{method}\n{path}\n{CanonicalQuery(ParseQuery(uri.Query))}\n{canonicalHeaders}\n{signedHeaders}\n{Hex(SHA256.HashData(body))}";
        var sts = $"{Algorithm}\n{amzDate}\n{day}/{region}/{service}/aws4_request\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";
        var sig = Hex(HMACSHA256.HashData(SigningKey(id.SecretAccessKey, day, region, service), Encoding.UTF8.GetBytes(sts)));
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["X-Amz-Date"] = amzDate,
            ["Authorization"] = $"{Algorithm} Credential={id.AccessKeyId}/{day}/{region}/{service}/aws4_request, SignedHeaders={signedHeaders}, Signature={sig}",
        };
        if (id.SessionToken != null) result["X-Amz-Security-Token"] = id.SessionToken;
        return result;
    }
}

internal static class Glob
{
    /// <summary>Case-insensitive match with '*' and '?' wildcards (IAM action patterns).</summary>
    public static bool Match(string pattern, string value) => Match(pattern, value, ignoreCase: true);

    /// <summary>IAM wildcard match ('*' any run, '?' one character) in linear time: greedy, with one backtrack point.</summary>
    public static bool Match(string pattern, string text, bool ignoreCase)
    {
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*') { star = p++; mark = t; }
            else if (p < pattern.Length && (pattern[p] == '?' || Same(pattern[p], text[t], ignoreCase))) { p++; t++; }
            else if (star >= 0) { p = star + 1; t = ++mark; }
            else return false;
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }

    private static bool Same(char a, char b, bool ignoreCase) => ignoreCase ? char.ToLowerInvariant(a) == char.ToLowerInvariant(b) : a == b;
}
