using System.Net;
using System.Text;
using EksAutoMode.Engine.Aws;

namespace EksAutoMode.Tests.Unit.Aws;

/// <summary>An HttpMessageHandler answering from a function and recording every request (with its body).</summary>
internal sealed class FakeHandler : HttpMessageHandler
{
    private readonly Func<HttpRequestMessage, string, CancellationToken, Task<HttpResponseMessage>> _respond;

    public FakeHandler(Func<HttpRequestMessage, string, CancellationToken, Task<HttpResponseMessage>> respond) => _respond = respond;

    public FakeHandler(Func<HttpRequestMessage, string, HttpResponseMessage> respond)
        : this((r, b, _) => Task.FromResult(respond(r, b)))
    {
    }

    public List<(HttpRequestMessage Request, string Body)> Requests { get; } = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        lock (Requests)
        {
            Requests.Add((request, body));
        }

        return await _respond(request, body, cancellationToken);
    }

    public static HttpResponseMessage Json(HttpStatusCode status, string json, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }

    public static HttpResponseMessage Xml(HttpStatusCode status, string xml) =>
        new(status) { Content = new StringContent(xml, Encoding.UTF8, "text/xml") };
}

internal sealed class ManualTime : TimeProvider
{
    public DateTimeOffset Now { get; set; } = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>A temporary HOME with .aws/credentials and .aws/config, and an isolated environment.</summary>
internal sealed class AwsHome : IDisposable
{
    public AwsHome()
    {
        Root = Path.Combine(Path.GetTempPath(), "eksam-aws-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(Root, ".aws"));
        // Never let a test reach the real instance metadata service (a non-loopback address).
        Environment["AWS_EC2_METADATA_DISABLED"] = "true";
    }

    public string Root { get; }
    public Dictionary<string, string?> Environment { get; } = new();

    public AwsHome Credentials(string text)
    {
        File.WriteAllText(Path.Combine(Root, ".aws", "credentials"), text);
        return this;
    }

    public AwsHome Config(string text)
    {
        File.WriteAllText(Path.Combine(Root, ".aws", "config"), text);
        return this;
    }

    public AwsSessionOptions Options(HttpMessageHandler? handler = null, TimeProvider? time = null) => new()
    {
        HomeDirectory = Root,
        Environment = Environment,
        Handler = handler,
        Time = time ?? TimeProvider.System,
        RetryPolicy = new AwsRetryPolicy { MaxAttempts = 2, BaseDelay = TimeSpan.FromMilliseconds(1), AttemptTimeout = TimeSpan.FromSeconds(10) },
    };

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
