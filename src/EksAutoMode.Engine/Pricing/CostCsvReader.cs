using System.Globalization;
using System.Text;

namespace EksAutoMode.Engine.Pricing;

/// <summary>
/// Reads a cost CSV (as written by Export-Csv or by hand): a header row naming the same properties the pipeline
/// binds (InstanceType, Count, Region, AvailabilityZone, CapacityType/InstanceLifecycle, LaunchType,
/// IsAutoMode/AutoModeManaged, NodePool, Ec2HourlyPrice, FeeHourlyPrice, SpotPrice). RFC 4180 quoting;
/// #TYPE lines from Export-Csv -IncludeTypeInformation are skipped.
/// </summary>
public static class CostCsvReader
{
    private static readonly Dictionary<string, string> s_aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["InstanceType"] = "InstanceType", ["Type"] = "InstanceType",
        ["Count"] = "Count", ["Quantity"] = "Count",
        ["Region"] = "Region",
        ["AvailabilityZone"] = "AvailabilityZone", ["Zone"] = "AvailabilityZone",
        ["CapacityType"] = "CapacityType", ["InstanceLifecycle"] = "CapacityType", ["Lifecycle"] = "CapacityType",
        ["LaunchType"] = "LaunchType",
        ["IsAutoMode"] = "IsAutoMode", ["AutoModeManaged"] = "IsAutoMode", ["AutoMode"] = "IsAutoMode",
        ["NodePool"] = "NodePool",
        ["Ec2HourlyPrice"] = "Ec2HourlyPrice", ["FeeHourlyPrice"] = "FeeHourlyPrice", ["SpotPrice"] = "SpotPrice",
    };

    /// <summary>Items of the file; a bad row yields an <see cref="EngineException"/> in place of its item, so the caller can report it and go on.</summary>
    public static IEnumerable<(CostInput? Input, EngineException? Error)> Read(string path, CancellationToken cancellationToken)
    {
        string name = Path.GetFileName(path);
        List<List<string>> records;
        try
        {
            records = Parse(File.ReadAllText(path, Encoding.UTF8));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new EngineException("CsvReadFailed", ErrorKind.ReadError, $"Cannot read '{path}': {ex.Message}", path, ex);
        }

        int start = 0;
        while (start < records.Count && records[start].Count > 0 && records[start][0].StartsWith("#TYPE", StringComparison.Ordinal))
        {
            start++;
        }

        if (start >= records.Count)
        {
            throw new EngineException("CsvEmpty", ErrorKind.InvalidData, $"'{path}' has no header row.", path);
        }

        string?[] columns = records[start].Select(h => s_aliases.TryGetValue(h.Trim(), out string? c) ? c : null).ToArray();
        if (!columns.Contains("InstanceType"))
        {
            throw new EngineException("CsvInstanceTypeColumnMissing", ErrorKind.InvalidData,
                $"'{path}' has no InstanceType column (header: {string.Join(",", records[start])}).", path)
            { RecommendedAction = "Add an InstanceType column; optional columns: Count, Region, AvailabilityZone, CapacityType, LaunchType, IsAutoMode, NodePool, Ec2HourlyPrice, FeeHourlyPrice, SpotPrice." };
        }

        for (int i = start + 1; i < records.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            List<string> record = records[i];
            if (record.Count == 1 && record[0].Length == 0)
            {
                continue;
            }

            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            for (int c = 0; c < columns.Length && c < record.Count; c++)
            {
                if (columns[c] is { } column)
                {
                    fields[column] = record[c];
                }
            }

            CostInput? input = null;
            EngineException? error = null;
            try
            {
                input = FromFields(fields, $"{name} row {i - start}");
            }
            catch (EngineException ex)
            {
                error = ex;
            }

            yield return (input, error);
        }
    }

    /// <summary>Builds an item from column values (all text).</summary>
    public static CostInput FromFields(IReadOnlyDictionary<string, string> fields, string origin)
    {
        string? Get(string key) => fields.TryGetValue(key, out string? v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

        LaunchType launch = CostInputParser.ParseLaunchType(Get("LaunchType"));
        if (launch == LaunchType.Unknown && CostInputParser.ParseFlag(Get("IsAutoMode")) is { } isAuto)
        {
            launch = isAuto ? LaunchType.AutoMode : LaunchType.SelfManaged;
        }

        return new CostInput
        {
            InstanceType = Get("InstanceType") ?? "",
            Count = Get("Count") is { } count ? ParseCount(count, origin) : 1,
            Region = Get("Region"),
            AvailabilityZone = Get("AvailabilityZone"),
            CapacityType = CostInputParser.ParseCapacityType(Get("CapacityType")),
            LaunchType = launch,
            NodePool = Get("NodePool"),
            Ec2HourlyPrice = ParsePrice(Get("Ec2HourlyPrice"), "Ec2HourlyPrice", origin),
            FeeHourlyPrice = ParsePrice(Get("FeeHourlyPrice"), "FeeHourlyPrice", origin),
            SpotPrice = ParsePrice(Get("SpotPrice"), "SpotPrice", origin),
            Origin = origin,
        };
    }

    private static int ParseCount(string text, string origin)
    {
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int count) || count < 0)
        {
            throw new EngineException("InvalidCount", ErrorKind.InvalidData, $"Count '{text}' in {origin} is not a whole number ≥ 0.", origin);
        }

        return count;
    }

    private static decimal? ParsePrice(string? text, string column, string origin)
    {
        if (text is null)
        {
            return null;
        }

        if (!decimal.TryParse(text.TrimStart('$'), NumberStyles.Number, CultureInfo.InvariantCulture, out decimal price) || price < 0m)
        {
            throw new EngineException("InvalidPrice", ErrorKind.InvalidData, $"{column} '{text}' in {origin} is not a price ≥ 0.", origin);
        }

        return price;
    }

    internal static List<List<string>> Parse(string text)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        int i = 0;
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            i = 1;
        }

        for (; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i++;
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                record.Add(field.ToString());
                field.Clear();
            }
            else if (c is '\n' or '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                record.Add(field.ToString());
                field.Clear();
                records.Add(record);
                record = new List<string>();
            }
            else
            {
                field.Append(c);
            }
        }

        if (field.Length > 0 || record.Count > 0)
        {
            record.Add(field.ToString());
            records.Add(record);
        }

        return records;
    }
}
