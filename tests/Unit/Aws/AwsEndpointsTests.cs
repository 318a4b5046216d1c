using EksAutoMode.Engine;
using EksAutoMode.Engine.Aws;

namespace EksAutoMode.Tests.Unit.Aws;

/// <summary>Endpoint overrides resolved like the AWS SDKs' service-specific endpoints setting.</summary>
public class AwsEndpointsTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] vars) =>
        name => vars.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void ServiceSpecificVariableBeatsTheGlobalOne()
    {
        var e = AwsEndpoints.Resolve(null, Env(("AWS_ENDPOINT_URL", "http://127.0.0.1:1000"), ("AWS_ENDPOINT_URL_EKS", "http://127.0.0.1:2000/eks"),
            ("AWS_ENDPOINT_URL_PRICING", "https://pricing.example.test")));
        Assert.Equal(new Uri("http://127.0.0.1:2000/eks"), e.For(AwsService.Eks));
        Assert.Equal(new Uri("https://pricing.example.test"), e.For(AwsService.Pricing));
        Assert.Equal(new Uri("http://127.0.0.1:1000"), e.For(AwsService.Sts));
        Assert.Equal(new Uri("http://127.0.0.1:1000"), e.For(AwsService.Ec2));
        Assert.Equal(new Uri("http://127.0.0.1:1000"), e.For(AwsService.Iam));
        Assert.Contains("EKS: http://127.0.0.1:2000/eks (AWS_ENDPOINT_URL_EKS)", e.Describe());
    }

    [Theory]
    [InlineData("EKS")]
    [InlineData("STS")]
    [InlineData("PRICING")]
    [InlineData("EC2")]
    [InlineData("IAM")]
    [InlineData("SSO")]
    public void EachServiceReadsItsOwnVariableOnly(string id)
    {
        var e = AwsEndpoints.Resolve(null, Env(("AWS_ENDPOINT_URL_" + id, "http://127.0.0.1:3000")));
        foreach (AwsService s in AwsService.All)
        {
            Assert.Equal(s.EndpointId == id ? new Uri("http://127.0.0.1:3000") : null, e.For(s));
        }

        // Without an override the service keeps its AWS endpoint.
        Assert.Equal(new Uri("https://eks.eu-west-1.amazonaws.com/"), AwsService.Eks.Endpoint("eu-west-1", id == "EKS" ? null : e.For(AwsService.Eks)));
    }

    [Fact]
    public void ExplicitEndpointUrlBeatsEveryVariable()
    {
        var e = AwsEndpoints.Resolve("http://127.0.0.1:4000", Env(("AWS_ENDPOINT_URL", "http://127.0.0.1:1000"), ("AWS_ENDPOINT_URL_EKS", "http://127.0.0.1:2000"),
            ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")));
        Assert.All(AwsService.All, s => Assert.Equal(new Uri("http://127.0.0.1:4000"), e.For(s)));
        Assert.Equal("-EndpointUrl", e.GlobalSource);
    }

    [Theory]
    [InlineData("true")]
    [InlineData("TRUE")]
    public void IgnoreConfiguredEndpointUrlsDisablesTheVariables(string value)
    {
        var e = AwsEndpoints.Resolve(null, Env(("AWS_ENDPOINT_URL", "http://127.0.0.1:1000"), ("AWS_ENDPOINT_URL_EKS", "http://127.0.0.1:2000"),
            ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", value)));
        Assert.True(e.IsEmpty);
        Assert.All(AwsService.All, s => Assert.Null(e.For(s)));
    }

    [Fact]
    public void IgnoreFalseKeepsTheVariables()
    {
        var e = AwsEndpoints.Resolve(null, Env(("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:2000"), ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false")));
        Assert.Equal(new Uri("http://127.0.0.1:2000"), e.For(AwsService.Sts));
    }

    [Fact]
    public void AMalformedVariableIsAnErrorNamingIt()
    {
        var ex = Assert.Throws<EngineException>(() => AwsEndpoints.Resolve(null, Env(("AWS_ENDPOINT_URL_EC2", "ftp://x"))));
        Assert.Equal("AwsInvalidEndpoint", ex.ErrorId);
        Assert.Contains("AWS_ENDPOINT_URL_EC2", ex.Message);
    }

    [Fact]
    public void TheEksTokenIsPresignedForTheStsOverride()
    {
        var creds = new AwsCredentials("AKIDEXAMPLE", "secret", null);
        var e = AwsEndpoints.Resolve(null, Env(("AWS_ENDPOINT_URL", "http://127.0.0.1:1000"), ("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:5000")));
        Uri url = EksToken.DecodeUrl(EksToken.Create(creds, "eu-west-1", e, "c", DateTimeOffset.UnixEpoch).Token);
        Assert.Equal(5000, url.Port);
    }
}
