using System.Globalization;
using System.Text.RegularExpressions;

namespace EksAutoMode.Engine;

/// <summary>Go durations as Kubernetes and Karpenter write them (<c>336h</c>, <c>24h0m0s</c>, <c>1h30m</c>, <c>500ms</c>).</summary>
public static partial class GoDuration
{
    /// <summary>The duration, or null when <paramref name="text"/> is not a sequence of N{h,m,s,ms} (for example <c>Never</c>).</summary>
    public static TimeSpan? Parse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var matches = Part().Matches(text);
        if (matches.Count == 0 || string.Concat(matches.Select(m => m.Value)) != text)
        {
            return null;
        }

        double seconds = 0;
        foreach (Match m in matches)
        {
            double n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            seconds += m.Groups[2].Value switch { "h" => n * 3600, "m" => n * 60, "s" => n, "ms" => n / 1000, _ => 0 };
        }

        return seconds > TimeSpan.MaxValue.TotalSeconds / 2 ? null : TimeSpan.FromSeconds(seconds);
    }

    [GeneratedRegex(@"([0-9]+(?:\.[0-9]+)?)(ms|h|m|s)", RegexOptions.NonBacktracking)]
    private static partial Regex Part();
}
