namespace EksAutoMode;

/// <summary>Whether a cluster runs EKS Auto Mode.</summary>
public enum AutoModeClusterMode
{
    /// <summary>Compute, block storage and load balancing are all enabled.</summary>
    Auto,

    /// <summary>Auto Mode is off.</summary>
    Standard,

    /// <summary>Only some of compute, block storage and load balancing are enabled; they must be enabled together.</summary>
    PartiallyEnabled,
}

/// <summary>An installed EKS add-on that Auto Mode makes unnecessary.</summary>
public sealed class AutoModeRedundantAddon
{
    public string Name { get; set; } = string.Empty;
    public string Component { get; set; } = string.Empty;
    public string Advice { get; set; } = string.Empty;
    public string SourceUrl { get; set; } = string.Empty;

    public override string ToString() => Name;
}

/// <summary>One EKS cluster's Auto Mode configuration (Get-AutoModeCluster).</summary>
public sealed class AutoModeCluster
{
    public string Name { get; set; } = string.Empty;
    public string Region { get; set; } = string.Empty;
    public string? Arn { get; set; }
    public string? Version { get; set; }
    public string? PlatformVersion { get; set; }
    public string? Status { get; set; }
    /// <summary>An AutoModeClusterMode name (Auto, Standard, PartiallyEnabled); a string so ConvertTo-Json writes the name.</summary>
    public string Mode { get; set; } = string.Empty;
    public bool ComputeEnabled { get; set; }
    public bool BlockStorageEnabled { get; set; }
    public bool LoadBalancingEnabled { get; set; }

    /// <summary>computeConfig.nodePools exactly as configured.</summary>
    public string[] NodePools { get; set; } = Array.Empty<string>();

    /// <summary>The configured names that are built-in pools (general-purpose, system).</summary>
    public string[] BuiltInNodePools { get; set; } = Array.Empty<string>();

    /// <summary>Configured names that are not built-in pools; each silently means "no pool".</summary>
    public string[] UnknownNodePools { get; set; } = Array.Empty<string>();
    public string? NodeRoleArn { get; set; }
    public string? NodeRoleName { get; set; }
    /// <summary>Installed EKS add-ons; null when ListAddons failed (see MissingData).</summary>
    public string[]? InstalledAddons { get; set; } = Array.Empty<string>();

    /// <summary>Add-ons Auto Mode makes redundant; null when the add-on list could not be read (see MissingData).</summary>
    public AutoModeRedundantAddon[]? RedundantAddons { get; set; } = Array.Empty<AutoModeRedundantAddon>();
    public int? ManagedNodeGroupCount { get; set; }

    /// <summary>Upgrade policy support type: STANDARD or EXTENDED.</summary>
    public string? SupportType { get; set; }
    public string? Endpoint { get; set; }
    public DateTimeOffset? CreatedAt { get; set; }

    /// <summary>What to fix or know, one sentence each.</summary>
    public string[] Advice { get; set; } = Array.Empty<string>();

    /// <summary>False when part of the answer could not be read (see MissingData and the warning): never mistake it for a complete one.</summary>
    public bool IsComplete { get; set; } = true;

    /// <summary>Properties that are unknown because their call failed (e.g. InstalledAddons, RedundantAddons); they are null, not empty.</summary>
    public string[] MissingData { get; set; } = Array.Empty<string>();
}
