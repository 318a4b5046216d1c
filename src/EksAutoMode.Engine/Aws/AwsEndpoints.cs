namespace EksAutoMode.Engine.Aws;

/// <summary>
/// Endpoint overrides per service, resolved like the AWS SDKs' "service-specific endpoints" setting
/// (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html, read 2026-12-04):
/// an explicit -EndpointUrl wins for every service; otherwise, unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is
/// true, AWS_ENDPOINT_URL_&lt;SERVICE&gt; (EKS, STS, PRICING, EC2, IAM, SSO) beats AWS_ENDPOINT_URL; a service
/// with neither uses its AWS endpoint.
/// </summary>
public sealed class AwsEndpoints
{
    /// <summary>No override: every service at its AWS endpoint.</summary>
    public static readonly AwsEndpoints None = new(null, new Dictionary<string, Uri>(), null);

    private readonly IReadOnlyDictionary<string, Uri> _perService;

    private AwsEndpoints(Uri? global, IReadOnlyDictionary<string, Uri> perService, string? globalSource)
    {
        Global = global;
        _perService = perService;
        GlobalSource = globalSource;
    }

    /// <summary>The endpoint for every service without its own (-EndpointUrl or AWS_ENDPOINT_URL).</summary>
    public Uri? Global { get; }

    /// <summary>Where <see cref="Global"/> came from ("-EndpointUrl" or "AWS_ENDPOINT_URL").</summary>
    public string? GlobalSource { get; }

    public bool IsEmpty => Global is null && _perService.Count == 0;

    /// <summary>The override for one service (null: its AWS endpoint).</summary>
    public Uri? For(AwsService service) => _perService.TryGetValue(service.EndpointId, out Uri? own) ? own : Global;

    /// <summary>One line per override for -Debug, e.g. "EKS: http://127.0.0.1:4566/ (AWS_ENDPOINT_URL_EKS)".</summary>
    public IEnumerable<string> Describe()
    {
        foreach (var (id, uri) in _perService.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            yield return $"{id}: {uri} (AWS_ENDPOINT_URL_{id})";
        }

        if (Global is not null)
        {
            yield return $"{(_perService.Count > 0 ? "other services" : "all services")}: {Global} ({GlobalSource})";
        }
    }

    /// <summary>An explicit endpoint for every service (as -EndpointUrl); tests and callers that already have a URL.</summary>
    public static implicit operator AwsEndpoints(Uri? everyService) =>
        everyService is null ? None : new AwsEndpoints(everyService, new Dictionary<string, Uri>(), "-EndpointUrl");

    /// <summary>Resolves the overrides from -EndpointUrl and the environment (see the class remarks).</summary>
    public static AwsEndpoints Resolve(string? explicitUrl, Func<string, string?> env)
    {
        ArgumentNullException.ThrowIfNull(env);
        if (!string.IsNullOrWhiteSpace(explicitUrl))
        {
            return new AwsEndpoints(Parse(explicitUrl, "-EndpointUrl"), new Dictionary<string, Uri>(), "-EndpointUrl");
        }

        if (string.Equals(env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")?.Trim(), "true", StringComparison.OrdinalIgnoreCase))
        {
            return None;
        }

        var perService = new Dictionary<string, Uri>(StringComparer.Ordinal);
        foreach (AwsService service in AwsService.All)
        {
            string name = "AWS_ENDPOINT_URL_" + service.EndpointId;
            if (env(name) is { } value && !string.IsNullOrWhiteSpace(value))
            {
                perService[service.EndpointId] = Parse(value, name);
            }
        }

        string? global = env("AWS_ENDPOINT_URL");
        return new AwsEndpoints(string.IsNullOrWhiteSpace(global) ? null : Parse(global, "AWS_ENDPOINT_URL"), perService,
            string.IsNullOrWhiteSpace(global) ? null : "AWS_ENDPOINT_URL");
    }

    private static Uri Parse(string value, string where)
    {
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new EngineException("AwsInvalidEndpoint", ErrorKind.InvalidArgument,
                $"{where} '{DisplayText.Escape(Redaction.Redact(value) ?? string.Empty)}' is not an absolute http:// or https:// URL.", where);
        }

        return uri;
    }
}
