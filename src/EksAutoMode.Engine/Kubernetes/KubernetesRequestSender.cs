using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace EksAutoMode.Engine.Kubernetes;

/// <summary>
/// The one retry loop for Kubernetes API requests (lists, gets, patches, deletes): sends over the connection's own
/// HTTP client and credentials, retries 429 (honouring Retry-After), 500/502/503/504, connection failures, attempts
/// that get no answer within <see cref="AttemptTimeout"/> and bodies that arrive incomplete, with exponential backoff
/// and jitter; TLS failures and oversized responses are not retried. Statuses the caller handles itself (an allowed
/// 404, a 410 for an expired continue token) are passed through; other failures become the caller's
/// <see cref="EngineException"/>.
/// </summary>
internal sealed class KubernetesRequestSender
{
    private readonly KubernetesConnection _connection;
    private long _requests;

    internal KubernetesRequestSender(KubernetesConnection connection) => _connection = connection ?? throw new ArgumentNullException(nameof(connection));

    internal KubernetesConnection Connection => _connection;

    /// <summary>Attempts per request (first try included).</summary>
    internal int MaxAttempts { get; set; } = 6;

    /// <summary>How long one attempt may wait for an answer (and, while a body streams, for each further chunk).</summary>
    internal TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Base backoff (doubled per retry, with jitter, capped at 8 s).</summary>
    internal TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Retry notices; never contains tokens.</summary>
    internal Action<string>? Trace { get; set; }

    /// <summary>HTTP requests sent so far (retries included).</summary>
    internal long RequestCount => Interlocked.Read(ref _requests);

    /// <summary>Who an authentication failure is about.</summary>
    internal string ConnectionTarget => _connection.ClusterName ?? _connection.Server;

    /// <summary>
    /// Sends <paramref name="method"/> <paramref name="pathAndQuery"/> until a successful (or passed-through) response,
    /// then gives it to <paramref name="accept"/> within the same attempt: an exception there that means an incomplete
    /// body (I/O, JSON, timeout) is retried like a failed request. <paramref name="accept"/> owns the response.
    /// </summary>
    /// <param name="passThrough">Non-success statuses the caller handles in <paramref name="accept"/>.</param>
    /// <param name="failure">The error for a status that is neither retried nor passed through (status, Status message).</param>
    /// <param name="firstAttempt">Attempts already spent on this request (a list page whose body failed mid-stream).</param>
    internal async Task<T> SendAsync<T>(HttpMethod method, string pathAndQuery, string? body, string? contentType, string operation,
        Func<HttpResponseMessage, CancellationToken, Task<T>> accept, Func<int, bool> passThrough, Func<int, string, EngineException> failure,
        CancellationToken cancellationToken, int firstAttempt = 1)
    {
        var client = (k8s.Kubernetes)_connection.Client;
        string url = _connection.Server.TrimEnd('/') + pathAndQuery;
        for (int attempt = firstAttempt; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            TimeSpan? retryAfter = null;
            string problem;
            using var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attemptCts.CancelAfter(AttemptTimeout);
            HttpResponseMessage? response = null;
            try
            {
                using var request = new HttpRequestMessage(method, url);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                if (body is not null)
                {
                    request.Content = new StringContent(body, Encoding.UTF8);
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType ?? "application/json");
                }

                if (client.Credentials is { } credentials)
                {
                    await credentials.ProcessHttpRequestAsync(request, attemptCts.Token).ConfigureAwait(false);
                }

                Interlocked.Increment(ref _requests);
                response = await client.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attemptCts.Token).ConfigureAwait(false);
                int status = (int)response.StatusCode;
                if (response.IsSuccessStatusCode || passThrough(status))
                {
                    HttpResponseMessage owned = response;
                    response = null;
                    try
                    {
                        return await accept(owned, attemptCts.Token).ConfigureAwait(false);
                    }
                    catch
                    {
                        owned.Dispose();
                        throw;
                    }
                }

                string text = await ReadSmallAsync(response, attemptCts.Token).ConfigureAwait(false);
                string detail = StatusMessage(text) ?? response.ReasonPhrase ?? "";
                if (status is 429 or 500 or 502 or 503 or 504)
                {
                    retryAfter = response.Headers.RetryAfter?.Delta;
                    problem = $"HTTP {status} {detail}".Trim();
                }
                else
                {
                    throw failure(status, detail);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (OperationCanceledException)
            {
                problem = $"no answer within {AttemptTimeout.TotalSeconds:0} s";
            }
            catch (Exception ex) when (IsNotRetried(ex))
            {
                throw KubernetesConnection.MapError(ex, operation, ConnectionTarget);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or JsonException)
            {
                problem = ex is JsonException ? "incomplete or invalid response body" : $"connection failed: {ex.Message}";
            }
            catch (Exception ex) when (ex is not EngineException && ex.GetType().Namespace?.StartsWith("k8s", StringComparison.Ordinal) == true)
            {
                throw KubernetesConnection.MapError(ex, operation, ConnectionTarget);
            }
            finally
            {
                response?.Dispose();
            }

            await BackoffAsync(operation, problem, attempt, retryAfter, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// After a failed attempt: throws <c>KubernetesUnavailable</c> when the attempts are spent, else traces and waits
    /// (Retry-After when the server gave one, capped at 10 s; else exponential backoff with jitter).
    /// </summary>
    internal async Task BackoffAsync(string operation, string problem, int attempt, TimeSpan? retryAfter, CancellationToken cancellationToken)
    {
        if (attempt >= MaxAttempts)
        {
            throw new EngineException("KubernetesUnavailable", ErrorKind.ResourceUnavailable,
                $"The Kubernetes API failed {operation} {attempt} times; last: {problem}.", ConnectionTarget);
        }

        double backoff = Math.Min(8000, BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1)) * (0.5 + Random.Shared.NextDouble() / 2);
        TimeSpan delay = retryAfter is { } ra && ra > TimeSpan.Zero ? TimeSpan.FromMilliseconds(Math.Min(ra.TotalMilliseconds, 10_000)) : TimeSpan.FromMilliseconds(backoff);
        Trace?.Invoke($"Kubernetes {operation}: {problem}, retrying in {delay.TotalMilliseconds:0} ms (attempt {attempt + 1} of {MaxAttempts})");
        await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>TLS failures and oversized responses: retrying cannot help.</summary>
    internal static bool IsNotRetried(Exception ex) =>
        ExceptionChain.Of(ex).Any(e => e is System.Security.Authentication.AuthenticationException or ResponseTooLargeException);

    private static async Task<string> ReadSmallAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return text.Length > 2000 ? text[..2000] : text;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return "";
        }
    }

    /// <summary>The <c>message</c> of a Kubernetes Status body (a short plain-text body as it is); null when there is none.</summary>
    internal static string? StatusMessage(string body)
    {
        if (!body.TrimStart().StartsWith('{'))
        {
            return body.Length is > 0 and < 300 ? body.Trim() : null;
        }

        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.TryGetProperty("message", out JsonElement m) ? m.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
