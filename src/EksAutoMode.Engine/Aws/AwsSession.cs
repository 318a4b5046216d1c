using Amazon.EC2;
using Amazon.Runtime;

namespace EksAutoMode.Engine.Aws;

/// <summary>
/// Resolved AWS identity and settings for one cmdlet invocation: credentials (refreshed when temporary),
/// region, endpoint override and retry/timeout policy, plus the clients built on them. PowerShell-free.
/// </summary>
public sealed class AwsSession
{
    private readonly CredentialProvider _credentials;
    private readonly AwsSessionOptions _options;

    private AwsSession(AwsSessionOptions options, CredentialProvider credentials, string region, string regionSource, AwsEndpoints endpoint)
    {
        _options = options;
        _credentials = credentials;
        Region = region;
        RegionSource = regionSource;
        Endpoints = endpoint;
        Client = new AwsClient(async ct => await credentials.GetAsync(ct).ConfigureAwait(false), region, endpoint, options.RetryPolicy, options.Handler, options.Trace)
        {
            Time = options.Time,
        };
    }

    public string Region { get; }

    /// <summary>Where the region came from, e.g. "the -Region parameter" (for "Region obtained from …").</summary>
    public string RegionSource { get; }

    /// <summary>Where the credentials came from, e.g. "profile 'dev' in /home/me/.aws/credentials" (never contains secrets).</summary>
    public string CredentialSource => _credentials.Source;

    /// <summary>-EndpointUrl, AWS_ENDPOINT_URL_&lt;SERVICE&gt; or AWS_ENDPOINT_URL: where each service is called when set.</summary>
    public AwsEndpoints Endpoints { get; }

    /// <summary>The endpoint for every service without one of its own (-EndpointUrl or AWS_ENDPOINT_URL).</summary>
    public Uri? EndpointUrl => Endpoints.Global;

    public AwsRetryPolicy RetryPolicy => _options.RetryPolicy;

    /// <summary>The signed-request client (EKS, Pricing, IAM, STS).</summary>
    public AwsClient Client { get; }

    internal ValueTask<AwsCredentials> GetCredentialsAsync(CancellationToken cancellationToken) => _credentials.GetAsync(cancellationToken);

    /// <summary>
    /// Resolves credentials and region in AWS.Tools' order.
    /// Credentials: -AccessKey/-SecretKey → -ProfileName (missing profile = error) → -Credential → Set-AWSCredential
    /// shell credentials → environment (keys, web identity, AWS_PROFILE) → default profile (keys, role, SSO, web
    /// identity, credential_process) → container credentials → EC2 instance profile (IMDSv2).
    /// Region: -Region → $StoredAWSRegion → profile → AWS_REGION/AWS_DEFAULT_REGION (then AWS_PROFILE's region) → instance metadata.
    /// </summary>
    public static async Task<AwsSession> CreateAsync(AwsSessionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        AwsEndpoints endpoint = AwsEndpoints.Resolve(options.EndpointUrl, options.Env);
        var resolver = new AwsCredentialResolver(options, endpoint);
        string? caBundle = options.Env("AWS_CA_BUNDLE");
        if (caBundle is null && resolver.Store.Get(options.ProfileName ?? options.Env("AWS_PROFILE") ?? "default") is { } profile
            && profile.TryGetValue("ca_bundle", out string? fromProfile) && !string.IsNullOrWhiteSpace(fromProfile))
        {
            caBundle = fromProfile;
        }

        if (caBundle is not null && options.Handler is null)
        {
            options.CaBundle = options.ExpandHome(caBundle);
            options.Handler = CaBundle.HandlerFor(options.CaBundle);
            resolver = new AwsCredentialResolver(options, endpoint);
        }

        (string region, string regionSource) = await resolver.ResolveRegionAsync(cancellationToken).ConfigureAwait(false);
        CredentialProvider credentials = await resolver.ResolveCredentialsAsync(region, cancellationToken).ConfigureAwait(false);
        return new AwsSession(options, credentials, region, regionSource, endpoint);
    }

    /// <summary>A fresh EKS bearer token for <paramref name="clusterName"/> (what <c>aws eks get-token</c> prints).</summary>
    public async Task<EksToken> GetEksTokenAsync(string clusterName, CancellationToken cancellationToken = default)
    {
        AwsCredentials credentials = await _credentials.GetAsync(cancellationToken).ConfigureAwait(false);
        return EksToken.Create(credentials, Region, Endpoints, clusterName, _options.Time.GetUtcNow());
    }

    /// <summary>A token source that hands out cached tokens and refreshes them a minute before expiry.</summary>
    internal EksTokenSource CreateEksTokenSource(string clusterName) => new(this, clusterName, _options.Time);

    /// <summary>
    /// An AWSSDK.EC2 client with the same credentials (refreshing), region, endpoint override, retries and
    /// timeout as the signed-request client. With an endpoint override the region becomes the signing region.
    /// </summary>
    internal AmazonEC2Client CreateEc2Client()
    {
        var config = new AmazonEC2Config
        {
            MaxErrorRetry = Math.Max(0, RetryPolicy.MaxAttempts - 1),
            Timeout = RetryPolicy.AttemptTimeout,
            RetryMode = RequestRetryMode.Standard,
        };
        if (Endpoints.For(AwsService.Ec2) is { } ec2Endpoint)
        {
            config.ServiceURL = ec2Endpoint.ToString();
            config.AuthenticationRegion = Region;
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(Region);
        }

        config.HttpClientFactory = new CappedHttpClientFactory(_options.CaBundle);
        return new AmazonEC2Client(new ProviderCredentials(_credentials), config);
    }

    /// <summary>
    /// Gives AWSSDK an HttpClient whose response bodies are capped like our own client's (AwsClient's 16 MB), and
    /// that trusts the CA bundle (AWS_CA_BUNDLE) when one is set.
    /// </summary>
    private sealed class CappedHttpClientFactory : HttpClientFactory
    {
        private readonly string? _caBundle;

        internal CappedHttpClientFactory(string? caBundle) => _caBundle = caBundle;

        public override HttpClient CreateHttpClient(IClientConfig clientConfig)
        {
            HttpMessageHandler inner = _caBundle is null
                ? new SocketsHttpHandler { AutomaticDecompression = System.Net.DecompressionMethods.GZip | System.Net.DecompressionMethods.Deflate }
                : CaBundle.HandlerFor(_caBundle);
            // The shared CA-bundle handler must outlive this client: the wrapper is never disposed with it.
            var client = new HttpClient(new ResponseLimitHandler(AwsClient.DefaultMaxResponseBytes, inner), disposeHandler: _caBundle is null);
            if (clientConfig.Timeout is TimeSpan timeout)
            {
                client.Timeout = timeout;
            }

            return client;
        }
    }

    /// <summary>Adapts our credential provider to AWSSDK (refreshes through the same cache).</summary>
    private sealed class ProviderCredentials : AWSCredentials
    {
        private readonly CredentialProvider _provider;

        internal ProviderCredentials(CredentialProvider provider) => _provider = provider;

        public override ImmutableCredentials GetCredentials() => Convert(_provider.GetAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult());

        public override async Task<ImmutableCredentials> GetCredentialsAsync() => Convert(await _provider.GetAsync(CancellationToken.None).ConfigureAwait(false));

        private static ImmutableCredentials Convert(AwsCredentials c) => new(c.AccessKeyId, c.SecretAccessKey, c.SessionToken);
    }
}
