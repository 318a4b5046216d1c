using System.Text;
using EksAutoMode.Sandbox.Core;

namespace EksAutoMode.Sandbox.Tests;

public class SigV4Tests
{
    private static readonly Identity Key = new() { AccessKeyId = "AKIDEXAMPLE", SecretAccessKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", Arn = "arn:aws:iam::111122223333:user/t" };
    private static Identity? Find(string k) => k == Key.AccessKeyId ? Key : null;

    private static SigResult VerifySigned(string secret, byte[] signedBody, byte[] sentBody, DateTimeOffset signedAt, DateTimeOffset now)
    {
        const string url = "http://127.0.0.1:9999/clusters/demo";
        var id = new Identity { AccessKeyId = Key.AccessKeyId, SecretAccessKey = secret };
        var h = SigV4.SignHeaders("GET", url, new Dictionary<string, string>(), signedBody, id, "us-west-2", "eks", signedAt);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["host"] = "127.0.0.1:9999", ["x-amz-date"] = h["X-Amz-Date"], ["authorization"] = h["Authorization"] };
        return SigV4.Verify("GET", "/clusters/demo", "", n => headers.GetValueOrDefault(n), sentBody, Find, now);
    }

    [Fact]
    public void Published_AWS_test_vector_get_vanilla_verifies()
    {
        // AWS SigV4 test suite "get-vanilla" (service "service", us-east-1, 20150830T123600Z).
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["host"] = "example.amazonaws.com",
            ["x-amz-date"] = "20150830T123600Z",
            ["authorization"] = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
        };
        var now = new DateTimeOffset(2015, 8, 30, 12, 40, 0, TimeSpan.Zero);
        var r = SigV4.Verify("GET", "/", "", n => headers.GetValueOrDefault(n), [], Find, now);
        Assert.True(r.Ok, r.Message);
        Assert.Equal("service", r.Service);
    }

    [Fact]
    public void Valid_header_signature_is_accepted()
    {
        var now = DateTimeOffset.UtcNow;
        var r = VerifySigned(Key.SecretAccessKey, [], [], now, now);
        Assert.True(r.Ok, r.Message);
        Assert.Same(Key, r.Identity);
    }

    [Fact]
    public void Wrong_secret_is_rejected_as_signature_mismatch()
    {
        var now = DateTimeOffset.UtcNow;
        var r = VerifySigned("not-the-secret", [], [], now, now);
        Assert.Equal(SigFailure.SignatureMismatch, r.Failure);
    }

    [Fact]
    public void Tampered_body_is_rejected()
    {
        var now = DateTimeOffset.UtcNow;
        var r = VerifySigned(Key.SecretAccessKey, Encoding.UTF8.GetBytes("a=1"), Encoding.UTF8.GetBytes("a=2"), now, now);
        Assert.Equal(SigFailure.SignatureMismatch, r.Failure);
    }

    [Fact]
    public void Request_signed_more_than_15_minutes_ago_is_expired()
    {
        var now = DateTimeOffset.UtcNow;
        var r = VerifySigned(Key.SecretAccessKey, [], [], now.AddMinutes(-16), now);
        Assert.Equal(SigFailure.Expired, r.Failure);
        Assert.Contains("Signature expired", r.Message);
    }

    [Fact]
    public void Unknown_access_key_is_reported_as_such()
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["host"] = "h", ["x-amz-date"] = "20250101T000000Z",
            ["authorization"] = "AWS4-HMAC-SHA256 Credential=AKIAUNKNOWN/20250101/us-west-2/eks/aws4_request, SignedHeaders=host;x-amz-date, Signature=00",
        };
        var r = SigV4.Verify("GET", "/", "", n => headers.GetValueOrDefault(n), [], Find, DateTimeOffset.UtcNow);
        Assert.Equal(SigFailure.UnknownAccessKey, r.Failure);
    }

    [Fact]
    public void Unsigned_request_is_missing_authentication()
    {
        var r = SigV4.Verify("GET", "/", "", _ => null, [], Find, DateTimeOffset.UtcNow);
        Assert.Equal(SigFailure.Missing, r.Failure);
    }

    [Fact]
    public void Presigned_url_verifies_and_expires_after_X_Amz_Expires()
    {
        var t = DateTimeOffset.UtcNow;
        var url = new Uri(SigV4.Presign("GET", "https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15", new Dictionary<string, string>(), Key, "us-east-1", "sts", t, 60));
        string? H(string n) => n == "host" ? "sts.amazonaws.com" : null;
        Assert.True(SigV4.Verify("GET", "/", url.Query.TrimStart('?'), H, [], Find, t.AddSeconds(30)).Ok);
        Assert.Equal(SigFailure.Expired, SigV4.Verify("GET", "/", url.Query.TrimStart('?'), H, [], Find, t.AddSeconds(61)).Failure);
        var tampered = url.Query.TrimStart('?').Replace("GetCallerIdentity", "GetSessionToken");
        Assert.Equal(SigFailure.SignatureMismatch, SigV4.Verify("GET", "/", tampered, H, [], Find, t).Failure);
    }
}
