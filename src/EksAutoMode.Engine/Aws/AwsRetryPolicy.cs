namespace EksAutoMode.Engine.Aws;

/// <summary>
/// Retry and timeout settings for every AWS call (our signed-request client and AWSSDK.EC2 alike).
/// Retries throttling, 5xx, timeouts and broken connections with "full jitter" exponential backoff:
/// attempt n waits a random time in [0, min(MaxDelay, BaseDelay * 2^n)], and never less than the server's
/// Retry-After (capped at <see cref="MaxRetryAfter"/>).
/// </summary>
public sealed record AwsRetryPolicy
{
    public static AwsRetryPolicy Default { get; } = new();

    /// <summary>Total attempts including the first (AWS "standard" mode uses 3; we use 5 for slow runbooks).</summary>
    public int MaxAttempts { get; init; } = 5;
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(20);
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Time limit for one attempt (request sent and response read).</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Give-up time for one call including its retries and backoff waits (-TimeoutSec). Null: the attempts alone
    /// bound it (5 attempts of up to 30 s plus backoff, about 151 s).
    /// </summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>This policy with a give-up time of <paramref name="seconds"/> per call (attempts never longer than that).</summary>
    public AwsRetryPolicy WithTimeout(int seconds)
    {
        TimeSpan limit = TimeSpan.FromSeconds(seconds);
        return this with { Timeout = limit, AttemptTimeout = limit < AttemptTimeout ? limit : AttemptTimeout };
    }

    /// <summary>The wait before retry number <paramref name="retry"/> (0 = first retry). <paramref name="random"/> is in [0,1).</summary>
    public TimeSpan Backoff(int retry, double random, TimeSpan? retryAfter)
    {
        double capMs = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(retry, 30)));
        var delay = TimeSpan.FromMilliseconds(capMs * random);
        if (retryAfter is { } ra && ra > delay)
        {
            delay = ra > MaxRetryAfter ? MaxRetryAfter : ra;
        }

        return delay;
    }
}
