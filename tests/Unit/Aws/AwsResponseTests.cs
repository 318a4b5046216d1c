using System.Net;
using System.Text;
using EksAutoMode.Engine;
using EksAutoMode.Engine.Aws;

namespace EksAutoMode.Tests.Unit.Aws;

/// <summary>Responses we did not expect: shapes, sizes, give-up time (the sandbox-based cases are in Pester).</summary>
public class AwsResponseTests
{
    private static AwsClient Create(FakeHandler handler, AwsRetryPolicy? policy = null)
    {
        var creds = new AwsCredentials("AKIDEXAMPLE", "secret-for-response-tests");
        var client = new AwsClient(_ => ValueTask.FromResult<AwsCredentials?>(creds), "eu-west-1", new Uri("http://127.0.0.1:9/"),
            policy ?? new AwsRetryPolicy { MaxAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(1) }, handler, null);
        client.Delay = (d, ct) => Task.Delay(TimeSpan.FromMilliseconds(1), ct);
        return client;
    }

    [Theory]
    [InlineData("[1,2]", "a JSON array where an object was expected")]
    [InlineData("\"text\"", "a JSON string where an object was expected")]
    public async Task A_json_body_that_is_not_an_object_names_service_and_operation(string body, string expected)
    {
        var handler = new FakeHandler((r, b) => FakeHandler.Json(HttpStatusCode.OK, body));
        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => Create(handler).InvokeRestJsonAsync(AwsService.Eks, "DescribeCluster", HttpMethod.Get, "/clusters/a"));

        Assert.Equal("AwsResponseInvalid", ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidResult, ex.Kind);
        Assert.Equal($"EKS DescribeCluster returned {expected}", ex.Message);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task A_body_over_the_cap_is_refused_without_retrying_even_when_its_size_is_not_announced()
    {
        var handler = new FakeHandler((r, b) =>
        {
            // Chunked: no Content-Length, so the cap is enforced while reading.
            var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("{\"clusters\":[\"" + new string('a', 3000) + "\"]}")));
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
        });
        AwsClient client = Create(handler);
        client.MaxResponseBytes = 1024;

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => client.InvokeRestJsonAsync(AwsService.Eks, "ListClusters", HttpMethod.Get, "/clusters"));

        Assert.Equal("AwsResponseInvalid", ex.ErrorId);
        Assert.StartsWith("EKS ListClusters returned a body larger than", ex.Message);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task TimeoutSec_bounds_the_whole_call_including_retries()
    {
        // Every attempt is throttled; without a give-up time the client would back off and retry 50 times.
        var handler = new FakeHandler((r, b) => FakeHandler.Json((HttpStatusCode)429, "{}", ("Retry-After", "1")));
        AwsClient client = new(_ => ValueTask.FromResult<AwsCredentials?>(new AwsCredentials("AKIDEXAMPLE", "secret-for-response-tests")), "eu-west-1",
            new Uri("http://127.0.0.1:9/"), new AwsRetryPolicy { MaxAttempts = 50 }.WithTimeout(2), handler, null);

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => client.InvokeRestJsonAsync(AwsService.Eks, "ListClusters", HttpMethod.Get, "/clusters"))
            .WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal("RequestTimeout", ex.ErrorId);
        Assert.Contains("within 2 s (-TimeoutSec)", ex.Message);
        Assert.InRange(handler.Requests.Count, 1, 4);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), "hang guard");
    }

    [Fact]
    public void WithTimeout_never_lets_one_attempt_outlast_the_give_up_time()
    {
        AwsRetryPolicy policy = AwsRetryPolicy.Default.WithTimeout(5);
        Assert.Equal(TimeSpan.FromSeconds(5), policy.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(5), policy.AttemptTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), AwsRetryPolicy.Default.WithTimeout(120).AttemptTimeout);
        Assert.Null(AwsRetryPolicy.Default.Timeout);
    }

    [Fact]
    public async Task A_tls_failure_is_not_retried_and_says_what_to_do()
    {
        var handler = new FakeHandler((r, b) => throw new HttpRequestException("The SSL connection could not be established, see inner exception.",
            new System.Security.Authentication.AuthenticationException("The remote certificate is invalid because of errors in the certificate chain: UntrustedRoot")));

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => Create(handler).InvokeRestJsonAsync(AwsService.Eks, "ListClusters", HttpMethod.Get, "/clusters"));

        Assert.Equal("AwsTlsFailed", ex.ErrorId);
        Assert.Equal(ErrorKind.SecurityError, ex.Kind);
        Assert.Contains("not signed by a trusted certificate authority", ex.Message);
        Assert.Contains("AWS_CA_BUNDLE", ex.RecommendedAction);
        Assert.Single(handler.Requests);
    }

    private static Task<AwsSession> SessionAsync(AwsHome home, FakeHandler handler)
    {
        AwsSessionOptions options = home.Options(handler);
        options.AccessKey = "AKIDEXAMPLE";
        options.SecretKey = "secret-for-response-tests";
        options.Region = "eu-west-1";
        return AwsSession.CreateAsync(options);
    }

    [Theory]
    [InlineData("""{"clusters":"unexpected"}""", "EKS ListClusters returned 'clusters' as a JSON string instead of a list")]
    [InlineData("""{"clusters":[42]}""", "EKS ListClusters returned an entry of 'clusters' that is not a name (JSON number)")]
    public async Task A_cluster_list_of_the_wrong_shape_is_an_error_naming_the_operation(string body, string message)
    {
        var handler = new FakeHandler((r, b) => FakeHandler.Json(HttpStatusCode.OK, body));
        using var home = new AwsHome();
        AwsSession session = await SessionAsync(home, handler);

        var ex = await Assert.ThrowsAsync<AwsServiceException>(async () =>
        {
            await foreach (string _ in new AutoModeClusterReader(session).ListClusterNamesAsync())
            {
            }
        });

        Assert.Equal("AwsResponseInvalid", ex.ErrorId);
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public async Task A_cluster_list_whose_second_page_fails_is_returned_as_partial()
    {
        var handler = new FakeHandler((r, b) => r.RequestUri!.Query.Contains("nextToken=")
            ? FakeHandler.Json(HttpStatusCode.Forbidden, "{\"message\":\"User is not authorized to perform: eks:ListClusters\"}", ("x-amzn-ErrorType", "AccessDeniedException"))
            : FakeHandler.Json(HttpStatusCode.OK, "{\"clusters\":[\"a\",\"b\"],\"nextToken\":\"page2\"}"));
        using var home = new AwsHome();
        AwsSession session = await SessionAsync(home, handler);

        ClusterNameList list = await new AutoModeClusterReader(session).ListClusterNamesPartialAsync();

        Assert.Equal(new[] { "a", "b" }, list.Names);
        Assert.False(list.IsComplete);
        Assert.Equal("ClusterListIncomplete", list.Failure!.ErrorId);
        Assert.Contains("only the first 2 cluster(s)", list.Failure.Message);
        Assert.Contains("eks:ListClusters", list.Failure.Message);
    }

    [Fact]
    public async Task A_failed_addon_list_makes_the_answer_partial_never_complete()
    {
        var handler = new FakeHandler((r, b) => r.RequestUri!.AbsolutePath switch
        {
            "/clusters/prod" => FakeHandler.Json(HttpStatusCode.OK, """{"cluster":{"name":"prod","computeConfig":{"enabled":true,"nodePools":["system"]}}}"""),
            "/clusters/prod/addons" => FakeHandler.Json(HttpStatusCode.OK, """{"addons":{"vpc-cni":true}}"""),
            _ => FakeHandler.Json(HttpStatusCode.OK, """{"nodegroups":[]}"""),
        });
        using var home = new AwsHome();
        AwsSession session = await SessionAsync(home, handler);

        AutoModeClusterInfo info = await new AutoModeClusterReader(session).GetAsync("prod");

        Assert.False(info.IsComplete);
        Assert.Equal(new[] { "InstalledAddons", "RedundantAddons" }, info.MissingData);
        Assert.Contains(info.Warnings, w => w.Contains("partial") && w.Contains("EKS ListAddons returned 'addons' as a JSON object instead of a list"));
        Assert.Equal(0, info.ManagedNodeGroupCount);
    }
}
