using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using EksAutoMode.Engine;
using EksAutoMode.Engine.Aws;

namespace EksAutoMode.Tests.Unit.Aws;

public class AwsClientTests
{
    private static (AwsClient Client, List<TimeSpan> Delays) Create(FakeHandler handler, AwsRetryPolicy? policy = null)
    {
        var creds = new AwsCredentials("AKIDEXAMPLE", "secret");
        var client = new AwsClient(_ => ValueTask.FromResult<AwsCredentials?>(creds), "eu-west-1", new Uri("http://127.0.0.1:9/"),
            policy ?? new AwsRetryPolicy { MaxAttempts = 4, BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(2) }, handler, null);
        var delays = new List<TimeSpan>();
        client.Delay = (d, ct) => { delays.Add(d); return Task.CompletedTask; };
        client.Random = () => 1.0;
        return (client, delays);
    }

    [Fact]
    public async Task Retries_5xx_with_exponential_backoff_then_succeeds()
    {
        int n = 0;
        var handler = new FakeHandler((r, b) => ++n < 3 ? FakeHandler.Json(HttpStatusCode.ServiceUnavailable, "{}") : FakeHandler.Json(HttpStatusCode.OK, "{\"cluster\":{\"name\":\"a\"}}"));
        var (client, delays) = Create(handler);

        using JsonDocument doc = await client.InvokeRestJsonAsync(AwsService.Eks, "DescribeCluster", HttpMethod.Get, "/clusters/a");

        Assert.Equal("a", doc.RootElement.GetProperty("cluster").GetProperty("name").GetString());
        Assert.Equal(3, handler.Requests.Count);
        Assert.Equal(new[] { TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200) }, delays);
    }

    [Fact]
    public async Task Throttling_honours_Retry_After()
    {
        int n = 0;
        var handler = new FakeHandler((r, b) => ++n == 1
            ? FakeHandler.Json(HttpStatusCode.BadRequest, "{\"__type\":\"com.amazon.coral.availability#ThrottlingException\",\"message\":\"Rate exceeded\"}", ("Retry-After", "3"))
            : FakeHandler.Json(HttpStatusCode.OK, "{}"));
        var (client, delays) = Create(handler);

        await client.InvokeJson11Async(AwsService.Pricing, "AWSPriceListService", "GetProducts", new JsonObject());

        Assert.Equal(TimeSpan.FromSeconds(3), Assert.Single(delays));
        Assert.Equal("AWSPriceListService.GetProducts", handler.Requests[0].Request.Headers.GetValues("X-Amz-Target").Single());
        Assert.Equal("application/x-amz-json-1.1", handler.Requests[0].Request.Content!.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Gives_up_after_max_attempts_with_the_last_error()
    {
        var handler = new FakeHandler((r, b) => FakeHandler.Json(HttpStatusCode.TooManyRequests, "{\"message\":\"slow down\"}", ("x-amzn-ErrorType", "TooManyRequestsException:http://internal")));
        var (client, delays) = Create(handler);

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => client.InvokeRestJsonAsync(AwsService.Eks, "ListClusters", HttpMethod.Get, "/clusters"));

        Assert.Equal(4, handler.Requests.Count);
        Assert.Equal(3, delays.Count);
        Assert.Equal("TooManyRequestsException", ex.ErrorId);
        Assert.Equal(ErrorKind.LimitsExceeded, ex.Kind);
        Assert.Contains("EKS ListClusters failed: TooManyRequestsException", ex.Message);
    }

    [Fact]
    public async Task Client_errors_are_not_retried_and_name_service_operation_and_code()
    {
        var handler = new FakeHandler((r, b) => FakeHandler.Json(HttpStatusCode.NotFound, "{\"message\":\"No cluster found for name: nope.\"}", ("x-amzn-ErrorType", "ResourceNotFoundException")));
        var (client, delays) = Create(handler);

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => client.InvokeRestJsonAsync(AwsService.Eks, "DescribeCluster", HttpMethod.Get, "/clusters/nope",
            options: new AwsCallOptions { Target = "nope" }));

        Assert.Single(handler.Requests);
        Assert.Empty(delays);
        Assert.Equal("ResourceNotFoundException", ex.ErrorId);
        Assert.Equal(ErrorKind.ObjectNotFound, ex.Kind);
        Assert.Equal("nope", ex.Target);
        Assert.Equal("EKS DescribeCluster failed: ResourceNotFoundException (HTTP 404): No cluster found for name: nope.", ex.Message);
    }

    [Fact]
    public async Task Access_denied_names_the_IAM_action()
    {
        var handler = new FakeHandler((r, b) => FakeHandler.Json(HttpStatusCode.Forbidden,
            "{\"message\":\"User: arn:aws:iam::123456789012:user/dev is not authorized to perform: eks:DescribeCluster on resource: arn:aws:eks:eu-west-1:123456789012:cluster/a\"}",
            ("x-amzn-ErrorType", "AccessDeniedException")));
        var (client, _) = Create(handler);

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => client.InvokeRestJsonAsync(AwsService.Eks, "DescribeCluster", HttpMethod.Get, "/clusters/a"));

        Assert.Equal("eks:DescribeCluster", ex.IamAction);
        Assert.Equal(ErrorKind.PermissionDenied, ex.Kind);
        Assert.Contains("needs IAM permission 'eks:DescribeCluster'", ex.Message);
    }

    [Fact]
    public async Task Access_denied_without_a_message_still_names_the_action_from_the_operation()
    {
        var handler = new FakeHandler((r, b) => FakeHandler.Xml(HttpStatusCode.Forbidden,
            "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>denied</Message></Error><RequestId>r-1</RequestId></ErrorResponse>"));
        var (client, _) = Create(handler);

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => client.InvokeQueryAsync(AwsService.Iam, "GetRole", "2010-05-08",
            new[] { new KeyValuePair<string, string>("RoleName", "r") }));

        Assert.Equal("iam:GetRole", ex.IamAction);
        Assert.Equal("r-1", ex.RequestId);
        Assert.Equal("AccessDenied", ex.ErrorId);
    }

    [Fact]
    public async Task Query_requests_are_form_encoded_and_signed_for_the_global_IAM_region()
    {
        var handler = new FakeHandler((r, b) => FakeHandler.Xml(HttpStatusCode.OK, "<GetRoleResponse><GetRoleResult><Role><RoleName>r</RoleName></Role></GetRoleResult></GetRoleResponse>"));
        var (client, _) = Create(handler);

        var doc = await client.InvokeQueryAsync(AwsService.Iam, "GetRole", "2010-05-08", new[] { new KeyValuePair<string, string>("RoleName", "my role") });

        Assert.Equal("r", doc.Descendants().Single(e => e.Name.LocalName == "RoleName").Value);
        var (request, body) = handler.Requests.Single();
        Assert.Equal("Action=GetRole&Version=2010-05-08&RoleName=my%20role", body);
        Assert.Contains("/us-east-1/iam/aws4_request", request.Headers.GetValues("Authorization").Single());
    }

    [Fact]
    public async Task Truncated_json_bodies_are_retried()
    {
        int n = 0;
        var handler = new FakeHandler((r, b) => FakeHandler.Json(HttpStatusCode.OK, ++n == 1 ? "{\"cluster\":{\"na" : "{\"cluster\":{}}"));
        var (client, delays) = Create(handler);

        using JsonDocument doc = await client.InvokeRestJsonAsync(AwsService.Eks, "DescribeCluster", HttpMethod.Get, "/clusters/a");

        Assert.Equal(2, handler.Requests.Count);
        Assert.Single(delays);
    }

    [Fact]
    public async Task Connection_failures_are_retried()
    {
        int n = 0;
        var handler = new FakeHandler((r, b) => ++n == 1 ? throw new HttpRequestException("Connection reset by peer") : FakeHandler.Json(HttpStatusCode.OK, "{}"));
        var (client, _) = Create(handler);

        await client.InvokeRestJsonAsync(AwsService.Eks, "ListClusters", HttpMethod.Get, "/clusters");

        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task A_hanging_attempt_times_out_and_is_retried()
    {
        int n = 0;
        var handler = new FakeHandler(async (r, b, ct) =>
        {
            if (Interlocked.Increment(ref n) == 1)
            {
                await Task.Delay(Timeout.Infinite, ct);
            }

            return FakeHandler.Json(HttpStatusCode.OK, "{}");
        });
        var (client, _) = Create(handler, new AwsRetryPolicy { MaxAttempts = 3, AttemptTimeout = TimeSpan.FromMilliseconds(200) });

        await client.InvokeRestJsonAsync(AwsService.Eks, "ListClusters", HttpMethod.Get, "/clusters").WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task Every_attempt_timing_out_gives_RequestTimeout()
    {
        var handler = new FakeHandler(async (r, b, ct) => { await Task.Delay(Timeout.Infinite, ct); return null!; });
        var (client, _) = Create(handler, new AwsRetryPolicy { MaxAttempts = 2, AttemptTimeout = TimeSpan.FromMilliseconds(100) });

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => client.InvokeRestJsonAsync(AwsService.Eks, "ListClusters", HttpMethod.Get, "/clusters")).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("RequestTimeout", ex.ErrorId);
        Assert.Equal(ErrorKind.OperationTimeout, ex.Kind);
    }

    [Fact]
    public async Task Cancellation_stops_a_hanging_call_and_a_backoff_wait()
    {
        var handler = new FakeHandler(async (r, b, ct) => { await Task.Delay(Timeout.Infinite, ct); return null!; });
        var creds = new AwsCredentials("AK", "s");
        var client = new AwsClient(_ => ValueTask.FromResult<AwsCredentials?>(creds), "eu-west-1", new Uri("http://127.0.0.1:9/"), AwsRetryPolicy.Default, handler, null);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(150));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.InvokeRestJsonAsync(AwsService.Eks, "ListClusters", HttpMethod.Get, "/clusters", cancellationToken: cts.Token))
            .WaitAsync(TimeSpan.FromSeconds(30));

        var throttled = new FakeHandler((r, b) => FakeHandler.Json(HttpStatusCode.ServiceUnavailable, "{}", ("Retry-After", "60")));
        var client2 = new AwsClient(_ => ValueTask.FromResult<AwsCredentials?>(creds), "eu-west-1", new Uri("http://127.0.0.1:9/"), AwsRetryPolicy.Default, throttled, null);
        using var cts2 = new CancellationTokenSource(TimeSpan.FromMilliseconds(150));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client2.InvokeRestJsonAsync(AwsService.Eks, "ListClusters", HttpMethod.Get, "/clusters", cancellationToken: cts2.Token))
            .WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Theory]
    [InlineData(0, 1.0, 100)]
    [InlineData(1, 1.0, 200)]
    [InlineData(3, 0.5, 400)]
    [InlineData(10, 1.0, 2000)]
    [InlineData(2, 0.0, 0)]
    public void Backoff_is_full_jitter_capped(int retry, double random, int expectedMs)
    {
        var policy = new AwsRetryPolicy { BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(2) };
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), policy.Backoff(retry, random, null));
    }

    [Fact]
    public void Retry_after_is_a_floor_capped_at_MaxRetryAfter()
    {
        var policy = new AwsRetryPolicy { MaxRetryAfter = TimeSpan.FromSeconds(10) };
        Assert.Equal(TimeSpan.FromSeconds(5), policy.Backoff(0, 0.1, TimeSpan.FromSeconds(5)));
        Assert.Equal(TimeSpan.FromSeconds(10), policy.Backoff(0, 0.1, TimeSpan.FromSeconds(500)));
    }

    [Fact]
    public async Task Rest_json_pagination_follows_nextToken()
    {
        var handler = new FakeHandler((r, b) =>
        {
            string q = r.RequestUri!.Query;
            return q.Contains("nextToken=t2") ? FakeHandler.Json(HttpStatusCode.OK, "{\"clusters\":[\"c\"]}")
                : q.Contains("nextToken=t1") ? FakeHandler.Json(HttpStatusCode.OK, "{\"clusters\":[\"b\"],\"nextToken\":\"t2\"}")
                : FakeHandler.Json(HttpStatusCode.OK, "{\"clusters\":[\"a\"],\"nextToken\":\"t1\"}");
        });
        var (client, _) = Create(handler);

        var names = new List<string>();
        await foreach (JsonDocument page in client.PaginateRestJsonAsync(AwsService.Eks, "ListClusters", "/clusters",
            new[] { new KeyValuePair<string, string>("maxResults", "100") }))
        {
            names.AddRange(page.RootElement.GetProperty("clusters").EnumerateArray().Select(e => e.GetString()!));
        }

        Assert.Equal(new[] { "a", "b", "c" }, names);
        Assert.All(handler.Requests, r => Assert.Contains("maxResults=100", r.Request.RequestUri!.Query));
    }

    [Fact]
    public async Task Pagination_stops_on_a_repeated_token()
    {
        var handler = new FakeHandler((r, b) => FakeHandler.Json(HttpStatusCode.OK, "{\"clusters\":[],\"nextToken\":\"same\"}"));
        var (client, _) = Create(handler);

        var ex = await Assert.ThrowsAsync<EngineException>(async () =>
        {
            await foreach (JsonDocument _ in client.PaginateRestJsonAsync(AwsService.Eks, "ListClusters", "/clusters"))
            {
            }
        });

        Assert.Equal("AwsPaginationLoop", ex.ErrorId);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task Query_pagination_uses_IsTruncated_and_Marker()
    {
        var handler = new FakeHandler((r, b) => b.Contains("Marker=m1")
            ? FakeHandler.Xml(HttpStatusCode.OK, "<R><IsTruncated>false</IsTruncated><Marker>ignored</Marker></R>")
            : FakeHandler.Xml(HttpStatusCode.OK, "<R><IsTruncated>true</IsTruncated><Marker>m1</Marker></R>"));
        var (client, _) = Create(handler);

        int pages = 0;
        await foreach (var _ in client.PaginateQueryAsync(AwsService.Iam, "ListAttachedRolePolicies", "2010-05-08", null, "Marker", "Marker"))
        {
            pages++;
        }

        Assert.Equal(2, pages);
    }

    [Fact]
    public void Endpoints_follow_partitions_and_the_override()
    {
        Assert.Equal("https://eks.eu-west-1.amazonaws.com/", AwsService.Eks.Endpoint("eu-west-1", null).ToString());
        Assert.Equal("https://eks.cn-north-1.amazonaws.com.cn/", AwsService.Eks.Endpoint("cn-north-1", null).ToString());
        Assert.Equal("https://api.pricing.us-east-1.amazonaws.com/", AwsService.Pricing.Endpoint("us-east-1", null).ToString());
        Assert.Equal("https://iam.amazonaws.com/", AwsService.Iam.Endpoint("eu-west-1", null).ToString());
        Assert.Equal("us-east-1", AwsService.Iam.SigningRegion("eu-west-1"));
        Assert.Equal("http://127.0.0.1:4566/", AwsService.Iam.Endpoint("eu-west-1", new Uri("http://127.0.0.1:4566")).ToString());
    }
}
