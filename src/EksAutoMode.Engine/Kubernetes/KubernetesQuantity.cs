using System.Globalization;

namespace EksAutoMode.Engine.Kubernetes;

/// <summary>
/// Kubernetes resource quantities (<c>1910m</c>, <c>3774873Ki</c>, <c>8Gi</c>, <c>1.5</c>, <c>1e3</c>, <c>500M</c>) as decimal
/// numbers of the base unit (cores, bytes, pods). Binary suffixes Ki…Ei, decimal n u m k M G T P E, and exponents.
/// </summary>
public static class KubernetesQuantity
{
    /// <summary>The value, or null when <paramref name="text"/> is not a quantity.</summary>
    public static decimal? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        string s = text.Trim();
        int end = s.Length;
        while (end > 0 && char.IsLetter(s[end - 1]) && !(s[end - 1] is 'e' or 'E' && end < s.Length && end > 1 && char.IsDigit(s[end - 2])))
        {
            end--;
        }

        string number = s[..end], suffix = s[end..];
        decimal multiplier = suffix switch
        {
            "" => 1m,
            "n" => 0.000000001m,
            "u" => 0.000001m,
            "m" => 0.001m,
            "k" => 1_000m,
            "M" => 1_000_000m,
            "G" => 1_000_000_000m,
            "T" => 1_000_000_000_000m,
            "P" => 1_000_000_000_000_000m,
            "E" => 1_000_000_000_000_000_000m,
            "Ki" => 1024m,
            "Mi" => 1024m * 1024,
            "Gi" => 1024m * 1024 * 1024,
            "Ti" => 1024m * 1024 * 1024 * 1024,
            "Pi" => 1024m * 1024 * 1024 * 1024 * 1024,
            "Ei" => 1024m * 1024 * 1024 * 1024 * 1024 * 1024,
            _ => -1m,
        };
        if (multiplier < 0 || number.Length == 0)
        {
            return null;
        }

        if (decimal.TryParse(number, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal value))
        {
            return value * multiplier;
        }

        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && Math.Abs(d) < 7.9e27
            ? (decimal)d * multiplier
            : null;
    }
}
