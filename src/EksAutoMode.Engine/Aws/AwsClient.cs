using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace EksAutoMode.Engine.Aws;

/// <summary>Per-call options: a region other than the session's (Pricing lives in a few regions) and the error target.</summary>
public sealed record AwsCallOptions
{
    /// <summary>Region to call instead of the session region (ignored for the endpoint when -EndpointUrl is set, but still signed with).</summary>
    public string? Region { get; init; }

    /// <summary>What an ErrorRecord should name as its target (cluster, role, instance type…).</summary>
    public object? Target { get; init; }
}

/// <summary>
/// The signed-request client for AWS services without an SDK package here: REST-JSON (EKS), JSON 1.1 (Pricing),
/// Query/XML (IAM, STS). Every call is signed with SigV4, retried per <see cref="AwsRetryPolicy"/>, limited
/// per attempt by <see cref="AwsRetryPolicy.AttemptTimeout"/>, cancelled by the caller's token, and fails with an
/// <see cref="AwsServiceException"/>. Thread-safe; get one from <see cref="AwsSession.Client"/>.
/// </summary>
public sealed class AwsClient
{
    private static readonly Lazy<HttpClient> SharedHttp = new(() => new HttpClient(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(10),
        AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
    })
    { Timeout = Timeout.InfiniteTimeSpan });

    private static readonly HashSet<string> RetryableCodes = new(StringComparer.OrdinalIgnoreCase)
    {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
        "ProvisionedThroughputExceededException", "TransactionInProgressException", "RequestLimitExceeded",
        "BandwidthLimitExceeded", "RequestThrottled", "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException",
        "ServiceUnavailable", "ServiceUnavailableException", "InternalError", "InternalFailure", "InternalServerError",
        "InternalServerException", "ServerException", "RequestTimeout", "RequestTimeoutException", "IDPCommunicationError",
        "Unavailable", "ConnectionFailure", "InvalidResponse",
    };

    private readonly HttpClient _http;
    private readonly Func<CancellationToken, ValueTask<AwsCredentials?>> _credentials;
    private readonly string _region;
    private readonly AwsEndpoints _endpoints;
    private readonly AwsRetryPolicy _retry;
    private readonly Action<string>? _trace;

    internal AwsClient(Func<CancellationToken, ValueTask<AwsCredentials?>> credentials, string region, AwsEndpoints? endpoints, AwsRetryPolicy retry,
        HttpMessageHandler? handler, Action<string>? trace)
    {
        _credentials = credentials;
        _region = region;
        _endpoints = endpoints ?? AwsEndpoints.None;
        _retry = retry;
        _trace = trace;
        _http = handler is null ? SharedHttp.Value : new HttpClient(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>Waits between retries; replaced in tests to observe backoff without sleeping.</summary>
    internal Func<TimeSpan, CancellationToken, Task> Delay { get; set; } = (d, ct) => Task.Delay(d, ct);

    /// <summary>Random source for jitter, in [0,1).</summary>
    internal Func<double> Random { get; set; } = () => System.Random.Shared.NextDouble();

    internal TimeProvider Time { get; set; } = TimeProvider.System;

    public string Region => _region;
    /// <summary>The endpoint overrides (-EndpointUrl, AWS_ENDPOINT_URL_&lt;SERVICE&gt;, AWS_ENDPOINT_URL).</summary>
    public AwsEndpoints Endpoints => _endpoints;
    public AwsRetryPolicy RetryPolicy => _retry;

    /// <summary>AWS JSON 1.1: POST / with <c>X-Amz-Target: {targetPrefix}.{operation}</c> (Pricing: <c>AWSPriceListService</c>).</summary>
    public async Task<JsonDocument> InvokeJson11Async(AwsService service, string targetPrefix, string operation, JsonNode? body,
        AwsCallOptions? options = null, CancellationToken cancellationToken = default)
    {
        byte[] payload = Encoding.UTF8.GetBytes(body?.ToJsonString() ?? "{}");
        var headers = new List<KeyValuePair<string, string>>
        {
            new("X-Amz-Target", $"{targetPrefix}.{operation}"),
            new("Content-Type", "application/x-amz-json-1.1"),
        };
        byte[] response = await SendAsync(service, operation, HttpMethod.Post, "/", Array.Empty<KeyValuePair<string, string>>(), headers, payload, options, cancellationToken).ConfigureAwait(false);
        return ParseJson(service, operation, response, options);
    }

    /// <summary>REST-JSON (EKS): <paramref name="path"/> is the decoded resource path, e.g. <c>/clusters/prod</c>.</summary>
    public async Task<JsonDocument> InvokeRestJsonAsync(AwsService service, string operation, HttpMethod method, string path,
        IEnumerable<KeyValuePair<string, string>>? query = null, JsonNode? body = null, AwsCallOptions? options = null, CancellationToken cancellationToken = default)
    {
        byte[] payload = body is null ? Array.Empty<byte>() : Encoding.UTF8.GetBytes(body.ToJsonString());
        var headers = new List<KeyValuePair<string, string>>();
        if (body is not null)
        {
            headers.Add(new("Content-Type", "application/json"));
        }

        byte[] response = await SendAsync(service, operation, method, path, query?.ToList() ?? new(), headers, payload, options, cancellationToken).ConfigureAwait(false);
        return ParseJson(service, operation, response, options);
    }

    /// <summary>REST-JSON call with extra (unsigned-client) headers, e.g. the SSO portal's bearer token.</summary>
    internal async Task<JsonDocument> InvokeRestJsonAsync(AwsService service, string operation, HttpMethod method, string path,
        IEnumerable<KeyValuePair<string, string>> query, List<KeyValuePair<string, string>> headers, CancellationToken cancellationToken)
    {
        byte[] response = await SendAsync(service, operation, method, path, query.ToList(), headers, Array.Empty<byte>(), null, cancellationToken).ConfigureAwait(false);
        return ParseJson(service, operation, response, null);
    }

    /// <summary>AWS Query (IAM, STS, EC2): form-encoded POST of Action, Version and <paramref name="parameters"/>; returns the XML response.</summary>
    public async Task<XDocument> InvokeQueryAsync(AwsService service, string operation, string apiVersion,
        IEnumerable<KeyValuePair<string, string>>? parameters = null, AwsCallOptions? options = null, CancellationToken cancellationToken = default)
    {
        var form = new List<KeyValuePair<string, string>> { new("Action", operation), new("Version", apiVersion) };
        if (parameters is not null)
        {
            form.AddRange(parameters);
        }

        string encoded = string.Join('&', form.Select(p => SigV4Signer.UriEncode(p.Key) + "=" + SigV4Signer.UriEncode(p.Value)));
        var headers = new List<KeyValuePair<string, string>> { new("Content-Type", "application/x-www-form-urlencoded; charset=utf-8") };
        byte[] response = await SendAsync(service, operation, HttpMethod.Post, "/", Array.Empty<KeyValuePair<string, string>>(), headers,
            Encoding.UTF8.GetBytes(encoded), options, cancellationToken).ConfigureAwait(false);
        try
        {
            return XDocument.Parse(Encoding.UTF8.GetString(response));
        }
        catch (System.Xml.XmlException ex)
        {
            throw AwsServiceException.InvalidResponse(service.DisplayName, operation, "a body that is not valid XML", options?.Target, ex);
        }
    }

    /// <summary>Pages through a REST-JSON list operation (token in query parameter <paramref name="inputToken"/>, next token in body field <paramref name="outputToken"/>).</summary>
    public IAsyncEnumerable<JsonDocument> PaginateRestJsonAsync(AwsService service, string operation, string path,
        IEnumerable<KeyValuePair<string, string>>? query = null, string inputToken = "nextToken", string outputToken = "nextToken",
        AwsCallOptions? options = null, CancellationToken cancellationToken = default)
    {
        var baseQuery = query?.ToList() ?? new();
        return AwsPagination.PaginateAsync<JsonDocument>(async (token, ct) =>
        {
            var q = new List<KeyValuePair<string, string>>(baseQuery);
            if (token is not null)
            {
                q.Add(new(inputToken, token));
            }

            JsonDocument page = await InvokeRestJsonAsync(service, operation, HttpMethod.Get, path, q, null, options, ct).ConfigureAwait(false);
            return (page, JsonToken(page, outputToken));
        }, service.DisplayName, operation, cancellationToken);
    }

    /// <summary>Pages through a JSON 1.1 operation (token in body field <paramref name="inputToken"/>, next token in <paramref name="outputToken"/>).</summary>
    public IAsyncEnumerable<JsonDocument> PaginateJson11Async(AwsService service, string targetPrefix, string operation, JsonObject body,
        string inputToken = "NextToken", string outputToken = "NextToken", AwsCallOptions? options = null, CancellationToken cancellationToken = default)
    {
        return AwsPagination.PaginateAsync<JsonDocument>(async (token, ct) =>
        {
            var request = (JsonObject)body.DeepClone();
            if (token is not null)
            {
                request[inputToken] = token;
            }

            JsonDocument page = await InvokeJson11Async(service, targetPrefix, operation, request, options, ct).ConfigureAwait(false);
            return (page, JsonToken(page, outputToken));
        }, service.DisplayName, operation, cancellationToken);
    }

    /// <summary>
    /// Pages through a Query operation. The next token is the text of the first element named
    /// <paramref name="outputToken"/> (IAM: Marker when IsTruncated is true; EC2: nextToken).
    /// </summary>
    public IAsyncEnumerable<XDocument> PaginateQueryAsync(AwsService service, string operation, string apiVersion,
        IEnumerable<KeyValuePair<string, string>>? parameters, string inputToken, string outputToken,
        AwsCallOptions? options = null, CancellationToken cancellationToken = default)
    {
        var baseParameters = parameters?.ToList() ?? new();
        return AwsPagination.PaginateAsync<XDocument>(async (token, ct) =>
        {
            var p = new List<KeyValuePair<string, string>>(baseParameters);
            if (token is not null)
            {
                p.Add(new(inputToken, token));
            }

            XDocument page = await InvokeQueryAsync(service, operation, apiVersion, p, options, ct).ConfigureAwait(false);
            string? truncated = page.Descendants().FirstOrDefault(e => e.Name.LocalName == "IsTruncated")?.Value;
            string? next = page.Descendants().FirstOrDefault(e => e.Name.LocalName == outputToken)?.Value;
            if (truncated is not null && !truncated.Equals("true", StringComparison.OrdinalIgnoreCase))
            {
                next = null;
            }

            return (page, string.IsNullOrEmpty(next) ? null : next);
        }, service.DisplayName, operation, cancellationToken);
    }

    private static string? JsonToken(JsonDocument page, string name) =>
        page.RootElement.ValueKind == JsonValueKind.Object && page.RootElement.TryGetProperty(name, out JsonElement t) && t.ValueKind == JsonValueKind.String
            && t.GetString() is { Length: > 0 } s ? s : null;

    private static JsonDocument ParseJson(AwsService service, string operation, byte[] response, AwsCallOptions? options)
    {
        // SendAsync has already verified the body parses; every AWS JSON protocol answers with an object.
        JsonDocument document = response.Length == 0 ? JsonDocument.Parse("{}") : JsonDocument.Parse(response);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            JsonValueKind kind = document.RootElement.ValueKind;
            document.Dispose();
            throw AwsServiceException.InvalidResponse(service.DisplayName, operation, $"a JSON {kind.ToString().ToLowerInvariant()} where an object was expected", options?.Target);
        }

        return document;
    }

    /// <summary>Responses larger than this are refused (AwsResponseInvalid) instead of read into memory.</summary>
    public const int DefaultMaxResponseBytes = 16 * 1024 * 1024;

    /// <summary>The response size cap of this client (tests lower it).</summary>
    internal int MaxResponseBytes { get; set; } = DefaultMaxResponseBytes;

    /// <summary>"EKS DescribeCluster": the last operation that answered successfully (for messages about what was read last).</summary>
    public string? LastOperation => Volatile.Read(ref _lastOperation);

    private string? _lastOperation;

    /// <summary>Reads a body up to <see cref="MaxResponseBytes"/>; null when it is larger (announced or actual).</summary>
    private async Task<byte[]?> ReadCappedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength is long announced && announced > MaxResponseBytes)
        {
            return null;
        }

        await using Stream stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream(content.Headers.ContentLength is long known ? (int)known : 4096);
        byte[] chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxResponseBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>True when a request failed because the server's TLS certificate was not accepted.</summary>
    internal static bool IsTlsFailure(Exception ex) => ExceptionChain.Find<System.Security.Authentication.AuthenticationException>(ex) is not null;

    /// <summary>Why a certificate was refused, in words, from the TLS exception text.</summary>
    internal static string TlsProblem(Exception ex)
    {
        string text = string.Join(" ", ExceptionChain.Of(ex).Select(e => e.Message));
        return text.Contains("NameMismatch", StringComparison.OrdinalIgnoreCase) ? "its certificate does not name this host (name mismatch)"
            : text.Contains("chain", StringComparison.OrdinalIgnoreCase) || text.Contains("UntrustedRoot", StringComparison.OrdinalIgnoreCase)
                ? "its certificate is not signed by a trusted certificate authority"
            : text.Contains("ValidationCallback", StringComparison.OrdinalIgnoreCase) ? "its certificate did not verify against the configured certificate authority (an untrusted CA or a host name mismatch)"
            : "its certificate was not accepted";
    }

    /// <summary>Builds the URL a signed request goes to (exposed for the EKS token and tests).</summary>
    internal static Uri BuildUri(Uri endpoint, string path, IEnumerable<KeyValuePair<string, string>> query)
    {
        string basePath = endpoint.AbsolutePath.TrimEnd('/');
        string fullPath = basePath + (path.StartsWith('/') ? path : "/" + path);
        string encodedPath = string.Join('/', fullPath.Split('/').Select(SigV4Signer.UriEncode));
        string q = string.Join('&', query.Select(p => SigV4Signer.UriEncode(p.Key) + "=" + SigV4Signer.UriEncode(p.Value)));
        var builder = new UriBuilder(endpoint.Scheme, endpoint.Host, endpoint.Port) { Path = encodedPath, Query = q };
        return builder.Uri;
    }

    internal static string HostHeader(Uri uri) => uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}";

    private async Task<byte[]> SendAsync(AwsService service, string operation, HttpMethod method, string path,
        IReadOnlyList<KeyValuePair<string, string>> query, List<KeyValuePair<string, string>> extraHeaders, byte[] payload,
        AwsCallOptions? options, CancellationToken cancellationToken)
    {
        string region = options?.Region ?? _region;
        Uri endpoint = service.Endpoint(region, _endpoints.For(service));
        string signingRegion = service.SigningRegion(region);
        Uri uri = BuildUri(endpoint, path, query);
        string fullPath = (endpoint.AbsolutePath.TrimEnd('/') + (path.StartsWith('/') ? path : "/" + path));

        // -TimeoutSec: one deadline for the whole call, retries and backoff included.
        using var overall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (_retry.Timeout is { } limit)
        {
            overall.CancelAfter(limit);
        }

        try
        {
            return await SendAttemptsAsync(service, operation, method, uri, endpoint, signingRegion, fullPath, query, extraHeaders, payload, options, overall.Token)
                .ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested && _retry.Timeout is { } giveUp)
        {
            throw new AwsServiceException(service.DisplayName, operation, "RequestTimeout", 0,
                $"no answer within {giveUp.TotalSeconds:0.#} s (-TimeoutSec) from {endpoint.Host}.", null, null, ErrorKind.OperationTimeout, options?.Target, ex)
            {
                RecommendedAction = "Raise -TimeoutSec, or check the network path to the endpoint (proxy, VPC endpoint, firewall).",
            };
        }
    }

    private async Task<byte[]> SendAttemptsAsync(AwsService service, string operation, HttpMethod method, Uri uri, Uri endpoint, string signingRegion, string fullPath,
        IReadOnlyList<KeyValuePair<string, string>> query, List<KeyValuePair<string, string>> extraHeaders, byte[] payload,
        AwsCallOptions? options, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            AwsCredentials? credentials = await _credentials(cancellationToken).ConfigureAwait(false);
            var signRequest = new SigV4Request
            {
                Method = method.Method,
                Host = HostHeader(uri),
                Path = fullPath,
                Query = query.ToList(),
                Headers = new List<KeyValuePair<string, string>>(extraHeaders),
                Payload = payload,
            };
            // Unsigned calls (SSO portal with a bearer token, STS AssumeRoleWithWebIdentity) pass no credentials.
            SigV4Result? signature = credentials is null ? null
                : SigV4Signer.Sign(signRequest, credentials, signingRegion, service.SigningName, Time.GetUtcNow());

            using var message = new HttpRequestMessage(method, uri);
            if (payload.Length > 0 || method == HttpMethod.Post || method == HttpMethod.Put)
            {
                message.Content = new ByteArrayContent(payload);
            }

            foreach (var (name, value) in signRequest.Headers)
            {
                if (name.Equals("Host", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
                {
                    message.Content ??= new ByteArrayContent(payload);
                    message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(value);
                    continue;
                }

                message.Headers.TryAddWithoutValidation(name, value);
            }

            if (signature is not null)
            {
                message.Headers.TryAddWithoutValidation("Authorization", signature.Authorization);
            }
            message.Headers.UserAgent.ParseAdd("EksAutoMode/1.0");

            AwsServiceException? failure;
            TimeSpan? retryAfter = null;
            long started = Time.GetTimestamp();
            using (var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                attemptCts.CancelAfter(_retry.AttemptTimeout);
                try
                {
                    using HttpResponseMessage response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, attemptCts.Token).ConfigureAwait(false);
                    byte[]? body = await ReadCappedAsync(response.Content, attemptCts.Token).ConfigureAwait(false);
                    _trace?.Invoke($"{service.DisplayName} {operation}: HTTP {(int)response.StatusCode} in {Time.GetElapsedTime(started).TotalMilliseconds:0} ms (attempt {attempt})");
                    if (body is null)
                    {
                        // Not retried: the same request gets the same oversized answer.
                        throw AwsServiceException.InvalidResponse(service.DisplayName, operation,
                            $"a body larger than {MaxResponseBytes / (1024 * 1024)} MB, which is not read", options?.Target, statusCode: (int)response.StatusCode);
                    }

                    if (response.IsSuccessStatusCode)
                    {
                        if (IsJson(extraHeaders, method) && !IsCompleteJson(body))
                        {
                            failure = AwsServiceException.InvalidResponse(service.DisplayName, operation, "an incomplete body or one that is not JSON",
                                options?.Target, retryable: true, statusCode: (int)response.StatusCode);
                        }
                        else
                        {
                            Volatile.Write(ref _lastOperation, $"{service.DisplayName} {operation}");
                            return body;
                        }
                    }
                    else
                    {
                        failure = ParseError(service, operation, response, body, options?.Target);
                        retryAfter = RetryAfter(response);
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
                catch (OperationCanceledException ex)
                {
                    _trace?.Invoke($"{service.DisplayName} {operation}: no response within {_retry.AttemptTimeout.TotalSeconds:0.#} s (attempt {attempt})");
                    failure = new AwsServiceException(service.DisplayName, operation, "RequestTimeout", 0,
                        $"no response within {_retry.AttemptTimeout.TotalSeconds:0.#} s from {endpoint.Host}.", null, null, ErrorKind.OperationTimeout, options?.Target, ex)
                    { IsRetryable = true };
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException && IsTlsFailure(ex))
                {
                    // Not retried: a certificate that was refused once is refused again.
                    _trace?.Invoke($"{service.DisplayName} {operation}: TLS failed: {ex.Message} (attempt {attempt})");
                    throw new AwsServiceException(service.DisplayName, operation, "AwsTlsFailed", 0,
                        $"the TLS connection to {endpoint.Scheme}://{HostHeader(endpoint)} was refused: {TlsProblem(ex)}.", null, null, ErrorKind.SecurityError, options?.Target, ex)
                    {
                        RecommendedAction = "If the endpoint (a private endpoint, a TLS-inspecting proxy, -EndpointUrl) uses a certificate authority of its own, "
                            + "set AWS_CA_BUNDLE (or ca_bundle in the profile) to a PEM file with that CA; if the host name does not match the certificate, "
                            + "use the name the certificate was issued for in -EndpointUrl.",
                    };
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException)
                {
                    _trace?.Invoke($"{service.DisplayName} {operation}: connection failed: {ex.Message} (attempt {attempt})");
                    failure = new AwsServiceException(service.DisplayName, operation, "ConnectionFailure", 0,
                        $"could not reach {endpoint.Scheme}://{HostHeader(endpoint)}: {ex.Message}", null, null, ErrorKind.ConnectionError, options?.Target, ex)
                    { IsRetryable = true };
                }
            }

            if (!failure.IsRetryable || attempt >= _retry.MaxAttempts)
            {
                throw failure;
            }

            TimeSpan delay = _retry.Backoff(attempt - 1, Random(), retryAfter);
            if (_retry.Timeout is not null && cancellationToken.IsCancellationRequested)
            {
                throw failure;
            }

            _trace?.Invoke($"{service.DisplayName} {operation}: {failure.ErrorCode}, retrying in {delay.TotalMilliseconds:0} ms (attempt {attempt + 1} of {_retry.MaxAttempts})");
            await Delay(delay, cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool IsJson(List<KeyValuePair<string, string>> headers, HttpMethod method) =>
        !headers.Any(h => h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) && h.Value.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase));

    private static bool IsCompleteJson(byte[] body)
    {
        if (body.Length == 0)
        {
            return true;
        }

        try
        {
            using var _ = JsonDocument.Parse(body);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    internal static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        RetryConditionHeaderValue? header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            TimeSpan d = date - DateTimeOffset.UtcNow;
            return d > TimeSpan.Zero ? d : TimeSpan.Zero;
        }

        return null;
    }

    internal static AwsServiceException ParseError(AwsService service, string operation, HttpResponseMessage response, byte[] body, object? target)
    {
        int status = (int)response.StatusCode;
        string? code = null, message = null, requestId = null;
        if (response.Headers.TryGetValues("x-amzn-RequestId", out var ids) || response.Headers.TryGetValues("x-amz-request-id", out ids))
        {
            requestId = ids.FirstOrDefault();
        }

        if (response.Headers.TryGetValues("x-amzn-ErrorType", out var types))
        {
            code = types.FirstOrDefault()?.Split(':')[0];
        }

        string text = Encoding.UTF8.GetString(body).Trim();
        if (text.StartsWith('{'))
        {
            try
            {
                using var doc = JsonDocument.Parse(text);
                JsonElement root = doc.RootElement;
                foreach (string name in new[] { "__type", "code", "Code" })
                {
                    if (code is null && root.TryGetProperty(name, out JsonElement c) && c.ValueKind == JsonValueKind.String)
                    {
                        code = c.GetString();
                    }
                }

                foreach (string name in new[] { "message", "Message", "errorMessage" })
                {
                    if (message is null && root.TryGetProperty(name, out JsonElement m) && m.ValueKind == JsonValueKind.String)
                    {
                        message = m.GetString();
                    }
                }
            }
            catch (JsonException)
            {
            }
        }
        else if (text.StartsWith('<'))
        {
            try
            {
                XDocument doc = XDocument.Parse(text);
                code = doc.Descendants().FirstOrDefault(e => e.Name.LocalName == "Code")?.Value ?? code;
                message = doc.Descendants().FirstOrDefault(e => e.Name.LocalName == "Message")?.Value;
                requestId ??= doc.Descendants().FirstOrDefault(e => e.Name.LocalName is "RequestId" or "RequestID")?.Value;
            }
            catch (System.Xml.XmlException)
            {
            }
        }

        if (code is not null && code.Contains('#'))
        {
            code = code[(code.LastIndexOf('#') + 1)..];
        }

        code ??= status switch
        {
            400 => "BadRequest",
            401 => "Unauthorized",
            403 => "AccessDenied",
            404 => "NotFound",
            429 => "Throttling",
            500 => "InternalFailure",
            502 => "BadGateway",
            503 => "ServiceUnavailable",
            504 => "GatewayTimeout",
            _ => $"HttpStatus{status}",
        };

        bool accessDenied = code.StartsWith("AccessDenied", StringComparison.OrdinalIgnoreCase) || code is "UnauthorizedOperation" or "UnauthorizedException" or "AuthorizationError";
        string? iamAction = null;
        if (accessDenied)
        {
            Match match = Regex.Match(message ?? string.Empty, @"perform:?\s+([a-z0-9-]+:[A-Za-z0-9*]+)");
            iamAction = match.Success ? match.Groups[1].Value : $"{service.IamPrefix}:{operation}";
        }

        bool retryable = status is 429 or 500 or 502 or 503 or 504 || RetryableCodes.Contains(code);
        ErrorKind kind = accessDenied ? ErrorKind.PermissionDenied
            : code.Contains("Throttl", StringComparison.OrdinalIgnoreCase) || code is "RequestLimitExceeded" or "TooManyRequestsException" || status == 429 ? ErrorKind.LimitsExceeded
            : code is "InvalidClientTokenId" or "SignatureDoesNotMatch" or "ExpiredToken" or "ExpiredTokenException" or "UnrecognizedClientException"
                or "InvalidSignatureException" or "AuthFailure" or "IncompleteSignature" or "Unauthorized" ? ErrorKind.AuthenticationError
            : code.Contains("NotFound", StringComparison.OrdinalIgnoreCase) || code is "NoSuchEntity" || status == 404 ? ErrorKind.ObjectNotFound
            : code.StartsWith("Invalid", StringComparison.OrdinalIgnoreCase) || code is "ValidationException" or "ValidationError" or "BadRequest" ? ErrorKind.InvalidArgument
            : status >= 500 ? ErrorKind.ResourceUnavailable
            : ErrorKind.InvalidOperation;

        return new AwsServiceException(service.DisplayName, operation, code, status, message, requestId, iamAction, kind, target)
        {
            IsRetryable = retryable,
        };
    }
}

/// <summary>Generic pagination: calls <c>fetch(token)</c> until no next token; stops with an error if a token repeats.</summary>
public static class AwsPagination
{
    public static async IAsyncEnumerable<T> PaginateAsync<T>(Func<string?, CancellationToken, Task<(T Page, string? Next)>> fetch,
        string service, string operation, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? token = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            (T page, string? next) = await fetch(token, cancellationToken).ConfigureAwait(false);
            yield return page;
            if (next is null)
            {
                yield break;
            }

            if (!seen.Add(next))
            {
                throw new EngineException("AwsPaginationLoop", ErrorKind.InvalidResult,
                    $"{service} {operation} returned the same pagination token twice; stopping to avoid an endless loop.");
            }

            token = next;
        }
    }
}
