using System.Text;
using System.Text.Json;
using EksAutoMode.Engine.Aws;

namespace EksAutoMode.Tests.Unit.Aws;

public class SigV4SignerTests
{
    private static readonly JsonDocument Suite = JsonDocument.Parse(File.ReadAllText(
        Path.Combine(AppContext.BaseDirectory, "TestData", "Aws", "aws4_testsuite", "suite.json")));

    public static IEnumerable<object[]> Cases() =>
        Suite.RootElement.GetProperty("requests").EnumerateArray().Select(r => new object[] { r.GetProperty("name").GetString()! });

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_published_aws_test_suite(string name)
    {
        JsonElement root = Suite.RootElement;
        JsonElement test = root.GetProperty("requests").EnumerateArray().Single(r => r.GetProperty("name").GetString() == name);
        JsonElement req = test.GetProperty("request");
        var creds = new AwsCredentials(
            root.GetProperty("credentials").GetProperty("accessKeyId").GetString()!,
            root.GetProperty("credentials").GetProperty("secretAccessKey").GetString()!);
        var request = new SigV4Request
        {
            Method = req.GetProperty("method").GetString()!,
            Host = req.GetProperty("hostname").GetString()!,
            Path = req.GetProperty("path").GetString()!,
            Query = req.GetProperty("query").EnumerateObject().Select(p => new KeyValuePair<string, string>(p.Name, p.Value.GetString()!)).ToList(),
            Headers = req.GetProperty("headers").EnumerateObject().Select(p => new KeyValuePair<string, string>(p.Name, p.Value.GetString()!)).ToList(),
            Payload = req.TryGetProperty("body", out JsonElement body) ? Encoding.UTF8.GetBytes(body.GetString()!) : Array.Empty<byte>(),
        };

        SigV4Result result = SigV4Signer.Sign(request, creds, root.GetProperty("region").GetString()!, root.GetProperty("service").GetString()!,
            DateTimeOffset.Parse(root.GetProperty("signingDate").GetString()!));

        Assert.Equal(test.GetProperty("authorization").GetString(), result.Authorization);
    }

    [Fact]
    public void Suite_is_complete()
    {
        Assert.Equal(24, Suite.RootElement.GetProperty("requests").GetArrayLength());
    }

    [Theory]
    [InlineData("/example/..", "/")]
    [InlineData("/example1/example2/../..", "/")]
    [InlineData("/./", "/")]
    [InlineData("/./example", "/example")]
    [InlineData("//example//", "/example/")]
    [InlineData("/example space/", "/example%20space/")]
    [InlineData("/clusters/my-cluster", "/clusters/my-cluster")]
    public void Canonical_uri_normalises_like_the_suite(string path, string expected)
    {
        Assert.Equal(expected, SigV4Signer.CanonicalUri(path));
    }

    [Fact]
    public void Session_token_is_signed()
    {
        var request = new SigV4Request { Method = "GET", Host = "example.amazonaws.com" };
        SigV4Result result = SigV4Signer.Sign(request, new AwsCredentials("AKIDEXAMPLE", "secret", "TOKEN"), "us-east-1", "service", DateTimeOffset.UnixEpoch);
        Assert.Contains("x-amz-security-token", result.SignedHeaders);
        Assert.Contains(request.Headers, h => h.Key == "X-Amz-Security-Token" && h.Value == "TOKEN");
    }

    [Fact]
    public void Credentials_ToString_never_shows_secrets()
    {
        var creds = new AwsCredentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "SESSIONTOKENVALUE");
        string text = creds.ToString();
        Assert.DoesNotContain("wJalr", text);
        Assert.DoesNotContain("SESSIONTOKEN", text);
        Assert.DoesNotContain("IOSFODNN7", text);
    }
}
