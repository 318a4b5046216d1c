using System.Text;
using System.Web;
using EksAutoMode.Engine.Aws;

namespace EksAutoMode.Tests.Unit.Aws;

public class EksTokenTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Token_is_a_presigned_GetCallerIdentity_url_in_base64url_without_padding()
    {
        var creds = new AwsCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "SESSION/TOKEN+");
        EksToken token = EksToken.Create(creds, "eu-west-1", null, "prod", Now);

        Assert.StartsWith("k8s-aws-v1.", token.Token);
        string body = token.Token["k8s-aws-v1.".Length..];
        Assert.DoesNotContain('=', body);
        Assert.DoesNotContain('+', body);
        Assert.DoesNotContain('/', body);

        Uri url = EksToken.DecodeUrl(token.Token);
        Assert.Equal("https://sts.eu-west-1.amazonaws.com/", url.GetLeftPart(UriPartial.Path));
        var q = HttpUtility.ParseQueryString(url.Query);
        Assert.Equal("GetCallerIdentity", q["Action"]);
        Assert.Equal("2011-06-15", q["Version"]);
        Assert.Equal("AWS4-HMAC-SHA256", q["X-Amz-Algorithm"]);
        Assert.Equal("AKIDEXAMPLE/20261127/eu-west-1/sts/aws4_request", q["X-Amz-Credential"]);
        Assert.Equal("20261127T120000Z", q["X-Amz-Date"]);
        Assert.Equal("60", q["X-Amz-Expires"]);
        Assert.Equal("host;x-k8s-aws-id", q["X-Amz-SignedHeaders"]);
        Assert.Equal("SESSION/TOKEN+", q["X-Amz-Security-Token"]);
        Assert.Matches("^[0-9a-f]{64}$", q["X-Amz-Signature"]);
        Assert.Equal(Now.AddMinutes(14), token.ExpiresAt);
        Assert.DoesNotContain("wJalr", Encoding.UTF8.GetString(Convert.FromBase64String(PadB64(body))));
        Assert.DoesNotContain("k8s-aws-v1", token.ToString());
    }

    [Fact]
    public void Signature_verifies_independently_and_binds_the_cluster_name()
    {
        var creds = new AwsCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        Uri url = EksToken.DecodeUrl(EksToken.Create(creds, "us-east-1", null, "prod", Now).Token);
        var q = HttpUtility.ParseQueryString(url.Query);

        // Rebuild the canonical request by hand from the URL (as a verifier such as EKS does).
        string Canonical(string cluster)
        {
            var pairs = q.AllKeys.Where(k => k != "X-Amz-Signature")
                .Select(k => SigV4Signer.UriEncode(k!) + "=" + SigV4Signer.UriEncode(q[k]!)).OrderBy(s => s, StringComparer.Ordinal);
            return string.Join('\n', "GET", "/", string.Join('&', pairs), $"host:{url.Host}\nx-k8s-aws-id:{cluster}\n", "host;x-k8s-aws-id", SigV4Signer.EmptyPayloadHash);
        }

        string Sign(string canonical)
        {
            string sts = string.Join('\n', "AWS4-HMAC-SHA256", q["X-Amz-Date"], "20261127/us-east-1/sts/aws4_request",
                SigV4Signer.HexSha256(Encoding.UTF8.GetBytes(canonical)));
            byte[] key = System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + creds.SecretAccessKey), Encoding.UTF8.GetBytes("20261127"));
            foreach (string part in new[] { "us-east-1", "sts", "aws4_request" })
            {
                key = System.Security.Cryptography.HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
            }

            return Convert.ToHexString(System.Security.Cryptography.HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(sts))).ToLowerInvariant();
        }

        Assert.Equal(q["X-Amz-Signature"], Sign(Canonical("prod")));
        Assert.NotEqual(q["X-Amz-Signature"], Sign(Canonical("other")));
    }

    [Fact]
    public void Endpoint_override_is_used_for_the_presigned_url()
    {
        var creds = new AwsCredentials("AK", "s");
        Uri url = EksToken.DecodeUrl(EksToken.Create(creds, "eu-west-1", new Uri("http://127.0.0.1:4566/"), "c", Now).Token);
        Assert.Equal("127.0.0.1", url.Host);
        Assert.Equal(4566, url.Port);
    }

    [Fact]
    public async Task Token_source_caches_and_refreshes_before_expiry()
    {
        using var home = new AwsHome();
        var time = new ManualTime { Now = Now };
        AwsSessionOptions o = home.Options(time: time);
        o.Region = "eu-west-1"; o.AccessKey = "AK"; o.SecretKey = "s";
        AwsSession session = await AwsSession.CreateAsync(o);
        EksTokenSource source = session.CreateEksTokenSource("prod");

        EksToken first = await source.GetAsync(CancellationToken.None);
        time.Now = Now.AddMinutes(12);
        Assert.Same(first, await source.GetAsync(CancellationToken.None));
        time.Now = Now.AddMinutes(13).AddSeconds(1);
        EksToken second = await source.GetAsync(CancellationToken.None);
        Assert.NotSame(first, second);
        Assert.Equal(time.Now.AddMinutes(14), second.ExpiresAt);
    }

    private static string PadB64(string s)
    {
        s = s.Replace('-', '+').Replace('_', '/');
        return s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
    }
}
