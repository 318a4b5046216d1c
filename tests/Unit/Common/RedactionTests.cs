using System.Diagnostics;
using EksAutoMode.Engine;
using EksAutoMode.Engine.Aws;

namespace EksAutoMode.Tests.Unit.Common;

public sealed class RedactionTests
{
    [Theory]
    [InlineData("connect to https://admin:s3cr3t-Pa55@127.0.0.1:8443/ failed", "connect to https://(redacted)@127.0.0.1:8443/ failed")]
    [InlineData("proxy http://token-only-userinfo@proxy:3128", "proxy http://(redacted)@proxy:3128")]
    [InlineData("Authorization: Bearer k8s-aws-v1.aHR0cHM6Ly9zdHMuYW1hem9uYXdzLmNvbS8_QWN0aW9u", "Authorization: Bearer (redacted)")]
    [InlineData("token k8s-aws-v1.aHR0cHM6Ly9zdHMu-_ end", "token k8s-aws-v1.(redacted) end")]
    [InlineData("https://sts.amazonaws.com/?Action=GetCallerIdentity&X-Amz-Signature=abcdef0123&X-Amz-Security-Token=IQoJb3JpZ2luX2Vj%2F",
        "https://sts.amazonaws.com/?Action=GetCallerIdentity&X-Amz-Signature=(redacted)&X-Amz-Security-Token=(redacted)")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIA/x, SignedHeaders=host, Signature=0123456789abcdef", "AWS4-HMAC-SHA256 Credential=AKIA/x, SignedHeaders=host, Signature=(redacted)")]
    [InlineData("mail user@example.com at https://example.com/a@b", "mail user@example.com at https://example.com/a@b")]
    [InlineData("nothing secret here", "nothing secret here")]
    public void SecretShapes_AreMasked_OrdinaryTextIsNot(string text, string expected) => Assert.Equal(expected, Redaction.Redact(text));

    [Fact]
    public void ResolvedCredentials_AreMaskedWhereverTheyAppear_RawAndUrlEncoded()
    {
        string secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCY" + Guid.NewGuid().ToString("N")[..10];
        string token = "IQoJb3JpZ2luX2VjE/+=" + Guid.NewGuid().ToString("N");
        _ = new AwsCredentials("AKIAREDACTIONTEST001", secret, token);

        Assert.Equal("secret (redacted) token (redacted)", Redaction.Redact($"secret {secret} token {token}"));
        Assert.Equal("q?t=(redacted)", Redaction.Redact("q?t=" + Uri.EscapeDataString(token)));
        Assert.True(Redaction.ContainsSecret($"in a message {secret}."));
        // The access key id is not a secret (AWS prints it in errors); it stays readable.
        Assert.Equal("AKIAREDACTIONTEST001", Redaction.Redact("AKIAREDACTIONTEST001"));
    }

    [Fact]
    public void EksTokens_TheModuleCreates_AreMasked()
    {
        var credentials = new AwsCredentials("AKIAREDACTIONTEST002", "another-secret-" + Guid.NewGuid().ToString("N"));
        EksToken token = EksToken.Create(credentials, "us-east-1", null, "prod", DateTimeOffset.UtcNow);
        string redacted = Redaction.Redact($"Authorization: Bearer {token.Token}; url {EksToken.DecodeUrl(token.Token)}");
        Assert.DoesNotContain(token.Token, redacted, StringComparison.Ordinal);
        Assert.DoesNotContain("X-Amz-Signature=0", redacted, StringComparison.Ordinal);
        Assert.Matches("X-Amz-Signature=\\(redacted\\)", redacted);
    }

    [Fact]
    public void ShortValues_AreNotRegistered()
    {
        Redaction.Register("abc");
        Assert.Equal("abc abc", Redaction.Redact("abc abc"));
    }

    [Fact]
    public void HostileText_IsRedactedInLinearTime()
    {
        // Long runs of characters that almost match each pattern.
        string hostile = string.Concat(Enumerable.Repeat("a://b:c", 20_000)) + "@" + string.Concat(Enumerable.Repeat("Signature=", 20_000))
            + string.Concat(Enumerable.Repeat("bearer ", 20_000)) + string.Concat(Enumerable.Repeat("k8s-aws-v1.", 20_000));
        var watch = Stopwatch.StartNew();
        string redacted = Redaction.Redact(hostile);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}"); // hang guard only (quadratic would take minutes)
        Assert.Contains("Signature=(redacted)", redacted, StringComparison.Ordinal);
    }
}
