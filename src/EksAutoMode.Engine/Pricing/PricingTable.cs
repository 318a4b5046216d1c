using System.Globalization;

namespace EksAutoMode.Engine.Pricing;

/// <summary>
/// A bundled CSV data file: leading <c># key: value</c> comment lines (source, as-of, ...), then a header row and
/// data rows. No quoting (the files never need it).
/// </summary>
internal sealed class PricingTable
{
    private PricingTable(string name, IReadOnlyDictionary<string, string> meta, string[] header, List<string[]> rows)
    {
        Name = name;
        Meta = meta;
        Header = header;
        Rows = rows;
    }

    public string Name { get; }
    public IReadOnlyDictionary<string, string> Meta { get; }
    public string[] Header { get; }
    public List<string[]> Rows { get; }

    public int Column(string name)
    {
        int index = Array.IndexOf(Header, name);
        if (index < 0)
        {
            throw new InvalidDataException($"Pricing data file {Name} has no column '{name}'.");
        }

        return index;
    }

    /// <summary>The <c>as-of</c> header as a UTC date (first token only).</summary>
    public DateTimeOffset? AsOf =>
        Meta.TryGetValue("as-of", out string? value) &&
        DateTimeOffset.TryParse(value.Split(' ', 2)[0], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset parsed)
            ? parsed
            : null;

    public static PricingTable LoadEmbedded(string fileName)
    {
        using Stream stream = EmbeddedData.Open("Pricing", fileName);
        using var reader = new StreamReader(stream);
        return Parse(fileName, reader);
    }

    public static PricingTable Parse(string name, TextReader reader)
    {
        var meta = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string[]? header = null;
        var rows = new List<string[]>();
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            if (line.Length == 0)
            {
                continue;
            }

            if (line[0] == '#')
            {
                int colon = line.IndexOf(':');
                if (colon > 1)
                {
                    string key = line[1..colon].Trim();
                    if (key.Length > 0 && !key.Contains(' '))
                    {
                        meta[key] = line[(colon + 1)..].Trim();
                    }
                }

                continue;
            }

            string[] fields = line.Split(',');
            if (header is null)
            {
                header = fields;
            }
            else
            {
                rows.Add(fields);
            }
        }

        return new PricingTable(name, meta, header ?? Array.Empty<string>(), rows);
    }

    internal static decimal ParseDecimal(string text) => decimal.Parse(text, NumberStyles.Number, CultureInfo.InvariantCulture);
}

/// <summary>The bundled pricing rules (12 % estimate, hours per period), read from Data/Pricing/pricing-rules.csv.</summary>
public static class PricingRules
{
    private static readonly Lazy<IReadOnlyDictionary<string, decimal>> s_rules = new(() =>
    {
        PricingTable table = PricingTable.LoadEmbedded("pricing-rules.csv");
        int key = table.Column("key"), value = table.Column("value");
        return table.Rows.ToDictionary(r => r[key], r => PricingTable.ParseDecimal(r[value]), StringComparer.Ordinal);
    });

    /// <summary>Fraction of the on-demand price used when no published fee is known (0.12).</summary>
    public static decimal FeeEstimateFraction => s_rules.Value["fee-estimate-fraction"];

    public static decimal HoursIn(CostPeriod period) => period switch
    {
        CostPeriod.Hour => 1m,
        CostPeriod.Day => s_rules.Value["hours-per-day"],
        CostPeriod.Month => s_rules.Value["hours-per-month"],
        CostPeriod.Year => s_rules.Value["hours-per-year"],
        _ => throw new ArgumentOutOfRangeException(nameof(period)),
    };
}
