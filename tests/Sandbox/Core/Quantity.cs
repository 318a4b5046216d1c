using System.Globalization;
using System.Text.RegularExpressions;

namespace EksAutoMode.Sandbox.Core;

/// <summary>
/// Kubernetes resource quantities (k8s.io/apimachinery resource.Quantity) as far as the sandbox needs them: parse
/// ("3920m", "16073756Ki", "1.5Gi", "2e3", "110"), add, and print in canonical form. A sum keeps the format of its
/// first non-zero operand, as Quantity.Add does, so memory sums stay in Ki/Mi and CPU sums in cores or millicores.
/// </summary>
internal readonly record struct Quantity(decimal Value, QuantityFormat Format)
{
    private static readonly Regex Syntax = new(@"^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(?:([eE][+-]?[0-9]+)|([a-zA-Z]*))$", RegexOptions.CultureInvariant);

    public static readonly Quantity Zero = new(0m, QuantityFormat.DecimalSI);

    public static bool TryParse(string? s, out Quantity q)
    {
        q = Zero;
        if (string.IsNullOrWhiteSpace(s)) return false;
        var m = Syntax.Match(s.Trim());
        if (!m.Success) return false;
        var number = decimal.Parse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (m.Groups[2].Success)
        {
            var exp = int.Parse(m.Groups[2].Value[1..], CultureInfo.InvariantCulture);
            if (exp is < -18 or > 18) return false;
            q = new Quantity(number * Pow(10, exp), QuantityFormat.DecimalExponent);
            return true;
        }
        var suffix = m.Groups[3].Value;
        (decimal factor, QuantityFormat format) = suffix switch
        {
            "" => (1m, QuantityFormat.DecimalSI),
            "n" => (Pow(10, -9), QuantityFormat.DecimalSI),
            "u" => (Pow(10, -6), QuantityFormat.DecimalSI),
            "m" => (Pow(10, -3), QuantityFormat.DecimalSI),
            "k" => (Pow(10, 3), QuantityFormat.DecimalSI),
            "M" => (Pow(10, 6), QuantityFormat.DecimalSI),
            "G" => (Pow(10, 9), QuantityFormat.DecimalSI),
            "T" => (Pow(10, 12), QuantityFormat.DecimalSI),
            "P" => (Pow(10, 15), QuantityFormat.DecimalSI),
            "E" => (Pow(10, 18), QuantityFormat.DecimalSI),
            "Ki" => (Pow2(1), QuantityFormat.BinarySI),
            "Mi" => (Pow2(2), QuantityFormat.BinarySI),
            "Gi" => (Pow2(3), QuantityFormat.BinarySI),
            "Ti" => (Pow2(4), QuantityFormat.BinarySI),
            "Pi" => (Pow2(5), QuantityFormat.BinarySI),
            "Ei" => (Pow2(6), QuantityFormat.BinarySI),
            _ => (0m, QuantityFormat.Invalid),
        };
        if (format == QuantityFormat.Invalid) return false;
        q = new Quantity(number * factor, format);
        return true;
    }

    public static Quantity Parse(string s) => TryParse(s, out var q) ? q : throw new FormatException($"'{s}' is not a Kubernetes quantity.");

    /// <summary>Quantity.Add: a zero receiver takes the operand's format.</summary>
    public Quantity Add(Quantity other) => new(Value + other.Value, Value == 0m ? other.Format : Format);

    public override string ToString()
    {
        // Like apimachinery: round up to nano precision, BinarySI below 1024 or with a fraction prints as DecimalSI.
        var v = Math.Ceiling(Value * 1_000_000_000m) / 1_000_000_000m;
        if (v == 0m) return "0";
        if (Format == QuantityFormat.BinarySI && Math.Abs(v) >= 1024m && v == Math.Truncate(v))
        {
            string[] bin = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
            var k = 0;
            var mant = v;
            while (k < bin.Length - 1 && mant % 1024m == 0m) { mant /= 1024m; k++; }
            return mant.ToString("0", CultureInfo.InvariantCulture) + bin[k];
        }
        // DecimalSI / DecimalExponent: the largest exponent (a multiple of 3) that keeps the mantissa an integer.
        string[] si = ["n", "u", "m", "", "k", "M", "G", "T", "P", "E"];
        for (var i = si.Length - 1; i >= 0; i--)
        {
            var e = (i - 3) * 3;
            var mant = v / Pow(10, e);
            if (mant != Math.Truncate(mant)) continue;
            if (Format == QuantityFormat.DecimalExponent) return mant.ToString("0", CultureInfo.InvariantCulture) + (e == 0 ? "" : "e" + e.ToString(CultureInfo.InvariantCulture));
            return mant.ToString("0", CultureInfo.InvariantCulture) + si[i];
        }
        return v.ToString(CultureInfo.InvariantCulture);
    }

    private static decimal Pow(int b, int e)
    {
        var r = 1m;
        for (var i = 0; i < Math.Abs(e); i++) r *= b;
        return e < 0 ? 1m / r : r;
    }

    private static decimal Pow2(int k) => Pow(1024, k);
}

internal enum QuantityFormat { Invalid, DecimalSI, BinarySI, DecimalExponent }
