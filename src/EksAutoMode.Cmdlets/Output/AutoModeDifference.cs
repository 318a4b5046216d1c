namespace EksAutoMode;

/// <summary>The area of EKS a difference belongs to.</summary>
public enum DifferenceArea
{
    Compute,
    Networking,
    Storage,
    LoadBalancing,
    Security,
    Cost,
    Operations,
    Addons,
}

/// <summary>How a difference affects an operator moving to Auto Mode.</summary>
public enum DifferenceImpact
{
    /// <summary>Auto Mode takes work off your hands.</summary>
    Benefit,

    /// <summary>Works, with a limit or cost to plan for.</summary>
    Caveat,

    /// <summary>Not available in Auto Mode.</summary>
    Unsupported,

    /// <summary>Available, but configured differently.</summary>
    Changed,
}

/// <summary>An earlier statement of a difference that has since changed.</summary>
public sealed class AutoModeDifferenceHistory
{
    public DateTime AsOf { get; set; }
    public string AutoMode { get; set; } = "";
    public string SourceUrl { get; set; } = "";

    public override string ToString() => $"{AsOf:yyyy-MM-dd}: {AutoMode}";
}

/// <summary>One way EKS Auto Mode differs from a standard-mode cluster (output of Get-AutoModeDifference).</summary>
public sealed class AutoModeDifference
{
    /// <summary>A DifferenceArea name; a string so ConvertTo-Json writes the name.</summary>
    public string Area { get; set; } = "";
    public string Topic { get; set; } = "";
    public string StandardMode { get; set; } = "";
    public string AutoMode { get; set; } = "";
    /// <summary>A DifferenceImpact name (Benefit, Caveat, Unsupported, Changed).</summary>
    public string Impact { get; set; } = "";

    /// <summary>The date the AutoMode statement was last verified against its source.</summary>
    public DateTime AsOf { get; set; }
    public string SourceUrl { get; set; } = "";

    /// <summary>Older statements of this fact (oldest first) where it changed since first published.</summary>
    public AutoModeDifferenceHistory[] History { get; set; } = Array.Empty<AutoModeDifferenceHistory>();
}
