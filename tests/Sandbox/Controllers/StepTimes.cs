using System.Globalization;
using System.Text.RegularExpressions;

namespace EksAutoMode.Sandbox.Controllers;

/// <summary>
/// How long each simulated control-plane step takes, so clients can observe the states real Auto Mode shows:
/// Drain (first eviction after the NodeClaim is deleted), Terminate (EC2 shutting-down → terminated), Launch
/// (replacement NodeClaim created → instance running, Node registered NotReady), Ready (→ Node Ready), PodStart
/// (scheduled pod → Running). Set with <c>--controller-steps "drain=2s,terminate=2s,launch=2s,ready=2s,podStart=1s"</c>
/// or a scenario's <c>controllerSteps:</c> map.
/// </summary>
internal sealed record StepTimes
{
    public TimeSpan Drain { get; init; } = TimeSpan.FromSeconds(2);
    public TimeSpan Terminate { get; init; } = TimeSpan.FromSeconds(2);
    public TimeSpan Launch { get; init; } = TimeSpan.FromSeconds(2);
    public TimeSpan Ready { get; init; } = TimeSpan.FromSeconds(2);
    public TimeSpan PodStart { get; init; } = TimeSpan.FromSeconds(1);

    public static StepTimes Parse(string text, StepTimes? start = null)
    {
        var t = start ?? new StepTimes();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var kv = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (kv.Length != 2) throw new ArgumentException($"--controller-steps: '{part}' is not step=duration.");
            var d = Duration(kv[1]) ?? throw new ArgumentException($"--controller-steps: '{kv[1]}' is not a duration (500ms, 2s, 1m).");
            t = kv[0].ToLowerInvariant() switch
            {
                "drain" => t with { Drain = d },
                "terminate" => t with { Terminate = d },
                "launch" => t with { Launch = d },
                "ready" => t with { Ready = d },
                "podstart" => t with { PodStart = d },
                _ => throw new ArgumentException($"--controller-steps: unknown step '{kv[0]}' (drain, terminate, launch, ready, podStart)."),
            };
        }
        return t;
    }

    /// <summary>A Go duration ("24h0m0s", "500ms", "2s"); null if it is not one.</summary>
    public static TimeSpan? Duration(string? s)
    {
        if (string.IsNullOrWhiteSpace(s)) return null;
        var m = Regex.Match(s.Trim(), @"^(?:(\d+(?:\.\d+)?)(h|ms|m|s))+$");
        if (!m.Success) return null;
        var total = TimeSpan.Zero;
        for (var i = 0; i < m.Groups[1].Captures.Count; i++)
        {
            var n = double.Parse(m.Groups[1].Captures[i].Value, CultureInfo.InvariantCulture);
            total += m.Groups[2].Captures[i].Value switch { "h" => TimeSpan.FromHours(n), "m" => TimeSpan.FromMinutes(n), "s" => TimeSpan.FromSeconds(n), _ => TimeSpan.FromMilliseconds(n) };
        }
        return total;
    }
}
