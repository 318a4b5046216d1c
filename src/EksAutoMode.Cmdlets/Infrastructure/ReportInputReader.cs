using System.Collections;
using System.Globalization;
using System.Management.Automation;
using EksAutoMode.Engine.Reporting.Html;

namespace EksAutoMode.Infrastructure;

/// <summary>
/// Turns the module's objects into report input, by type name (EksAutoMode.AutoModeNode, also Deserialized.… from
/// Import-Clixml or remoting) or, for other objects, by the properties that identify each kind. Values are read by
/// property name, so live, deserialized and hand-built objects all work.
/// </summary>
internal static class ReportInputReader
{
    internal enum Kind { Unknown, Node, NodePool, NodeClass, NodeClaim, Check, Validation, CostLine }

    private static readonly Dictionary<string, Kind> s_typeNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["EksAutoMode.AutoModeNode"] = Kind.Node,
        ["EksAutoMode.AutoModeNodePool"] = Kind.NodePool,
        ["EksAutoMode.AutoModeNodeClass"] = Kind.NodeClass,
        ["EksAutoMode.AutoModeNodeClaim"] = Kind.NodeClaim,
        ["EksAutoMode.AutoModeReadinessFinding"] = Kind.Check,
        ["EksAutoMode.ValidationFinding"] = Kind.Validation,
        ["EksAutoMode.CostLine"] = Kind.CostLine,
    };

    /// <summary>What kind of report input the object is, or Unknown.</summary>
    public static Kind Classify(PSObject item)
    {
        foreach (string name in item.TypeNames)
        {
            string plain = name.StartsWith("Deserialized.", StringComparison.Ordinal) ? name["Deserialized.".Length..] : name;
            if (s_typeNames.TryGetValue(plain, out Kind kind))
            {
                return kind;
            }
        }

        bool Has(string p) => item.Properties[p] is not null;
        if (Has("ComputeType") && Has("ExpiresAt")) return Kind.Node;
        if (Has("CheckId") && Has("Status")) return Kind.Check;
        if (Has("RuleId") && Has("Line")) return Kind.Validation;
        if (Has("Ec2Cost") && Has("FeeCost") && Has("InstanceType")) return Kind.CostLine;
        if (Has("WaitingFor") || (Has("Launched") && Has("Registered"))) return Kind.NodeClaim;
        if (Has("NodeLimit") && Has("IsBuiltIn")) return Kind.NodePool;
        if (Has("SecurityGroups") && Has("Subnets")) return Kind.NodeClass;
        return Kind.Unknown;
    }

    /// <summary>Adds the object to <paramref name="input"/>; false when it is none of the kinds a report shows.</summary>
    public static bool TryAdd(FleetReportInput input, PSObject item)
    {
        switch (Classify(item))
        {
            case Kind.Node:
                input.Nodes.Add(new ReportNode
                {
                    ClusterName = Str(item, "ClusterName") ?? "",
                    Name = Str(item, "Name") ?? "",
                    InstanceType = Str(item, "InstanceType"),
                    Region = Str(item, "Region"),
                    Zone = Str(item, "Zone"),
                    Architecture = Str(item, "Architecture"),
                    ComputeType = Str(item, "ComputeType") ?? "",
                    CapacityType = Str(item, "CapacityType") ?? "",
                    LaunchType = Str(item, "LaunchType") ?? "",
                    IsAutoModeManaged = Bool(item, "IsAutoModeManaged") ?? false,
                    NodePool = Str(item, "NodePool"),
                    Ready = Bool(item, "Ready") ?? false,
                    CreatedAt = Time(item, "CreatedAt"),
                    Age = Span(item, "Age"),
                    ExpiresAt = Time(item, "ExpiresAt"),
                    Pods = Int(item, "Pods") ?? 0,
                    StatefulPods = Int(item, "StatefulPods"),
                    SpotPrice = Dec(item, "SpotPrice"),
                });
                return true;
            case Kind.NodePool:
                input.Pools.Add(new ReportPool
                {
                    ClusterName = Str(item, "ClusterName") ?? "",
                    Name = Str(item, "Name") ?? "",
                    IsAutoMode = Bool(item, "IsAutoMode") ?? false,
                    IsBuiltIn = Bool(item, "IsBuiltIn") ?? false,
                    Nodes = Int(item, "Nodes") ?? 0,
                    NodeLimit = Int(item, "NodeLimit"),
                    AtLimit = Bool(item, "AtLimit") ?? false,
                    ExpireAfterText = Str(item, "ExpireAfterText"),
                    Ready = Bool(item, "Ready"),
                    CreatedAt = Time(item, "CreatedAt"),
                    Diagnosis = Diagnosis(item),
                });
                return true;
            case Kind.NodeClass:
                input.Classes.Add(new ReportDiagnosedObject
                {
                    Kind = Str(item, "Kind") ?? "NodeClass",
                    ClusterName = Str(item, "ClusterName") ?? "",
                    Name = Str(item, "Name") ?? "",
                    Diagnosis = Diagnosis(item),
                });
                return true;
            case Kind.NodeClaim:
                input.Claims.Add(new ReportClaim
                {
                    ClusterName = Str(item, "ClusterName") ?? "",
                    Name = Str(item, "Name") ?? "",
                    NodePool = Str(item, "NodePool"),
                    NodeName = Str(item, "NodeName"),
                    InstanceType = Str(item, "InstanceType"),
                    Ready = Bool(item, "Ready"),
                    Deleting = Bool(item, "Deleting") ?? false,
                    WaitingFor = Str(item, "WaitingFor"),
                    CreatedAt = Time(item, "CreatedAt"),
                    Age = Span(item, "Age"),
                    Diagnosis = Diagnosis(item),
                });
                return true;
            case Kind.Check:
                input.Checks.Add(new ReportCheck
                {
                    ClusterName = Str(item, "ClusterName"),
                    CheckId = Str(item, "CheckId") ?? "",
                    Category = Str(item, "Category") ?? "",
                    Title = Str(item, "Title") ?? "",
                    Status = Str(item, "Status") ?? "",
                    Severity = Str(item, "Severity") ?? "",
                    Message = Str(item, "Message") ?? "",
                    Evidence = List(Get(item, "Evidence")).Select(e => Convert.ToString(e, CultureInfo.InvariantCulture) ?? "").ToList(),
                    Remediation = Str(item, "Remediation") ?? "",
                    DocUrl = Str(item, "DocUrl") ?? "",
                    PolicyJson = Str(item, "PolicyJson"),
                    SkipReason = Str(item, "SkipReason"),
                    Source = Str(item, "Source") ?? "",
                    AsOf = Time(item, "AsOf")?.UtcDateTime,
                });
                return true;
            case Kind.Validation:
                input.Validations.Add(new ReportValidation
                {
                    RuleId = Str(item, "RuleId") ?? "",
                    Severity = Str(item, "Severity") ?? "",
                    Kind = Str(item, "Kind"),
                    Name = Str(item, "Name"),
                    FieldPath = Str(item, "Path") ?? "",
                    Message = Str(item, "Message") ?? "",
                    Hint = Str(item, "Hint"),
                    File = Str(item, "File"),
                    Line = Int(item, "Line") ?? 0,
                    Column = Int(item, "Column") ?? 0,
                    SourceUrl = Str(item, "SourceUrl"),
                });
                return true;
            case Kind.CostLine:
                input.CostLines.Add(new ReportCostLine
                {
                    InstanceType = Str(item, "InstanceType") ?? "",
                    NodePool = Str(item, "NodePool"),
                    Region = Str(item, "Region") ?? "",
                    Count = Int(item, "Count") ?? 0,
                    CapacityType = Str(item, "CapacityType") ?? "",
                    FeeApplies = Bool(item, "FeeApplies") ?? false,
                    Period = Str(item, "Period") ?? "",
                    Hours = Dec(item, "Hours") ?? 0m,
                    Ec2Cost = Dec(item, "Ec2Cost") ?? 0m,
                    FeeCost = Dec(item, "FeeCost") ?? 0m,
                    Currency = Str(item, "Currency") ?? "",
                    Ec2Discount = Dec(item, "Ec2Discount") ?? 0m,
                    PriceSource = Str(item, "PriceSource") ?? "",
                    AsOf = Time(item, "AsOf"),
                });
                return true;
            default:
                return false;
        }
    }

    private static object? Get(PSObject item, string name) => PropertyValues.Get(item, name);

    private static string? Str(PSObject item, string name) => Get(item, name) switch
    {
        null => null,
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        var v => v.ToString(),
    };

    private static bool? Bool(PSObject item, string name) => Get(item, name) switch
    {
        bool b => b,
        string s when bool.TryParse(s, out bool b) => b,
        _ => null,
    };

    private static int? Int(PSObject item, string name)
    {
        object? value = Get(item, name);
        try
        {
            return value is null or string { Length: 0 } ? null : Convert.ToInt32(value, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException)
        {
            return null;
        }
    }

    private static decimal? Dec(PSObject item, string name)
    {
        object? value = Get(item, name);
        try
        {
            return value is null or string { Length: 0 } ? null : Convert.ToDecimal(value, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException)
        {
            return null;
        }
    }

    /// <summary>A time; DateTime.MaxValue (AutoModeNode.ExpiresAt for "never") is null.</summary>
    private static DateTimeOffset? Time(PSObject item, string name) => Get(item, name) switch
    {
        DateTime d when d == DateTime.MaxValue || d == DateTime.MinValue => null,
        DateTime d => new DateTimeOffset(d.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(d, DateTimeKind.Utc) : d.ToUniversalTime()),
        DateTimeOffset o => o,
        string s when DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset o) => o,
        _ => null,
    };

    private static TimeSpan? Span(PSObject item, string name) => Get(item, name) switch
    {
        TimeSpan t when t != TimeSpan.MaxValue => t,
        string s when TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out TimeSpan t) => t,
        _ => null,
    };

    private static IEnumerable<object> List(object? value) => value switch
    {
        null => Enumerable.Empty<object>(),
        string s => new object[] { s },
        IEnumerable e => e.Cast<object?>().OfType<object>(),
        var v => new[] { v },
    };

    private static IReadOnlyList<ReportDiagnosis> Diagnosis(PSObject item) =>
        List(Get(item, "Diagnosis")).Select(PSObject.AsPSObject).Select(d => new ReportDiagnosis(
            Str(d, "Code") ?? "", Str(d, "Severity") ?? "", Str(d, "Message") ?? "", Str(d, "Evidence") ?? "", Str(d, "Remediation") ?? "", Str(d, "DocUrl") ?? "")).ToList();
}
