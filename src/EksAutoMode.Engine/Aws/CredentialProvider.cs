namespace EksAutoMode.Engine.Aws;

/// <summary>
/// One credential source: static keys, or a refreshing source (assumed role, SSO, container, instance
/// profile, credential_process) cached until five minutes before its expiry.
/// </summary>
internal sealed class CredentialProvider
{
    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);
    private readonly Func<CancellationToken, Task<AwsCredentials>> _fetch;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly TimeProvider _time;
    private AwsCredentials? _cached;

    internal CredentialProvider(string source, AwsCredentials credentials)
    {
        Source = source;
        _cached = credentials;
        _fetch = _ => Task.FromResult(credentials);
        _time = TimeProvider.System;
    }

    internal CredentialProvider(string source, Func<CancellationToken, Task<AwsCredentials>> fetch, TimeProvider time)
    {
        Source = source;
        _fetch = fetch;
        _time = time;
    }

    /// <summary>Where the credentials come from, for "Credentials obtained from …" (never contains secrets).</summary>
    internal string Source { get; }

    internal async ValueTask<AwsCredentials> GetAsync(CancellationToken cancellationToken)
    {
        AwsCredentials? current = _cached;
        if (current is not null && !NeedsRefresh(current))
        {
            return current;
        }

        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_cached is null || NeedsRefresh(_cached))
            {
                _cached = await _fetch(cancellationToken).ConfigureAwait(false);
            }

            return _cached;
        }
        finally
        {
            _lock.Release();
        }
    }

    private bool NeedsRefresh(AwsCredentials credentials) =>
        credentials.Expiration is { } expiry && expiry - RefreshMargin <= _time.GetUtcNow();
}
