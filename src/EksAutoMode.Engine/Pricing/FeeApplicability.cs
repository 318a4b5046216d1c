namespace EksAutoMode.Engine.Pricing;

/// <summary>
/// Whether the Auto Mode fee applies, by launch type (automode-facts §8, seed article fee table): instances launched
/// by Auto Mode's compute capability (built-in or custom NodePools) pay it; managed node groups, self-managed nodes,
/// OSS Karpenter and Fargate in the same cluster do not.
/// </summary>
public static class FeeApplicability
{
    public static (bool Applies, string Reason, LaunchType Launch) Decide(LaunchType launch, bool assumeAutoMode)
    {
        if (assumeAutoMode && launch is not (LaunchType.AutoMode or LaunchType.AutoModeBuiltIn or LaunchType.AutoModeCustom))
        {
            return (true, $"assumed Auto Mode (-AssumeAutoMode; actually {launch})", LaunchType.AutoMode);
        }

        return launch switch
        {
            LaunchType.AutoModeBuiltIn => (true, "launched by an Auto Mode built-in NodePool", launch),
            LaunchType.AutoModeCustom => (true, "launched by an Auto Mode custom NodePool", launch),
            LaunchType.AutoMode => (true, "launched by EKS Auto Mode", launch),
            LaunchType.Unknown => (true, "launch type not given: priced as Auto Mode-launched", launch),
            LaunchType.ManagedNodeGroup => (false, "managed node group: no Auto Mode fee", launch),
            LaunchType.SelfManaged => (false, "self-managed node: no Auto Mode fee", launch),
            LaunchType.Karpenter => (false, "launched by OSS Karpenter: no Auto Mode fee", launch),
            LaunchType.Fargate => (false, "Fargate: no Auto Mode fee", launch),
            LaunchType.OtherManaged => (false, "EC2 managed instance of another service (not EKS): no Auto Mode fee", launch),
            _ => throw new ArgumentOutOfRangeException(nameof(launch)),
        };
    }
}

/// <summary>Parses the loose values pipeline objects and CSV files carry into capacity and launch types.</summary>
public static class CostInputParser
{
    /// <summary>Built-in Auto Mode NodePool names (automode-facts §3).</summary>
    private static readonly string[] s_builtInPools = { "system", "general-purpose" };

    /// <summary>
    /// True for the node compute types that are not EC2 instances of the cluster's account (Fargate pods are billed
    /// per vCPU/GB-hour, hybrid nodes run outside AWS): neither an EC2 price nor the Auto Mode fee applies, so a cost
    /// over Get-AutoModeNode output skips them rather than failing on their missing instance type.
    /// Source: https://aws.amazon.com/eks/pricing/ (Fargate, hybrid nodes and Auto Mode billing), as of 2026-12-04.
    /// </summary>
    public static bool IsNotEc2(string? computeType) =>
        string.Equals(computeType, "Fargate", StringComparison.OrdinalIgnoreCase) || string.Equals(computeType, "Hybrid", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// spot → Spot; on-demand, ondemand, ON_DEMAND, reserved, capacity-block, scheduled, empty → OnDemand
    /// (EC2 InstanceLifecycle is empty for on-demand instances).
    /// </summary>
    public static CapacityType ParseCapacityType(string? text)
    {
        Span<char> buffer = stackalloc char[32];
        ReadOnlySpan<char> value = Normalize(text, buffer);
        return value switch
        {
            "" or "ondemand" or "od" or "reserved" or "capacityblock" or "scheduled" or "normal" => CapacityType.OnDemand,
            "spot" => CapacityType.Spot,
            _ => throw new EngineException("InvalidCapacityType", ErrorKind.InvalidData,
                $"'{text}' is not a capacity type; use OnDemand or Spot (EC2 InstanceLifecycle 'spot', Karpenter 'on-demand'/'spot'/'reserved').", text),
        };
    }

    /// <summary>Launch type from a LaunchType-like string (enum names plus common spellings).</summary>
    public static LaunchType ParseLaunchType(string? text)
    {
        Span<char> buffer = stackalloc char[32];
        ReadOnlySpan<char> value = Normalize(text, buffer);
        return value switch
        {
            "" or "unknown" => LaunchType.Unknown,
            "auto" or "automode" or "eksautomode" => LaunchType.AutoMode,
            "automodebuiltin" or "builtin" or "builtinnodepool" => LaunchType.AutoModeBuiltIn,
            "automodecustom" or "custom" or "customnodepool" => LaunchType.AutoModeCustom,
            "managednodegroup" or "mng" or "nodegroup" or "managed" => LaunchType.ManagedNodeGroup,
            "selfmanaged" or "self" or "unmanaged" => LaunchType.SelfManaged,
            "karpenter" or "osskarpenter" => LaunchType.Karpenter,
            "fargate" => LaunchType.Fargate,
            "othermanaged" => LaunchType.OtherManaged,
            _ => throw new EngineException("InvalidLaunchType", ErrorKind.InvalidData,
                $"'{text}' is not a launch type; use one of {string.Join(", ", Enum.GetNames<LaunchType>())}.", text),
        };
    }

    /// <summary>A yes/no value: bool, or true/false/yes/no/1/0 text; null when empty.</summary>
    public static bool? ParseFlag(string? text)
    {
        Span<char> buffer = stackalloc char[32];
        ReadOnlySpan<char> value = Normalize(text, buffer);
        return value switch
        {
            "" => null,
            "true" or "yes" or "1" or "y" => true,
            "false" or "no" or "0" or "n" => false,
            _ => throw new EngineException("InvalidFlag", ErrorKind.InvalidData, $"'{text}' is not true or false.", text),
        };
    }

    /// <summary>
    /// Launch type of an EC2 instance from what DescribeInstances returns: Operator.Managed/Principal (Auto Mode
    /// instances are EC2 managed instances) and tags (automode-facts §4.4: Auto Mode launches are tagged
    /// eks:kubernetes-node-pool-name; managed node groups eks:nodegroup-name; OSS Karpenter karpenter.sh/nodepool).
    /// Null when nothing decides it.
    /// </summary>
    public static LaunchType? FromEc2(bool? operatorManaged, string? operatorPrincipal, IReadOnlyDictionary<string, string>? tags, out string? nodePool)
    {
        nodePool = null;
        string? autoPool = null;
        if (tags is not null)
        {
            tags.TryGetValue("eks:kubernetes-node-pool-name", out autoPool);
            if (autoPool is null && tags.TryGetValue("karpenter.sh/nodepool", out string? karpenterPool))
            {
                nodePool = karpenterPool;
            }
            else
            {
                nodePool = autoPool;
            }
        }

        LaunchType AutoModeKind() => autoPool is null
            ? LaunchType.AutoMode
            : s_builtInPools.Contains(autoPool, StringComparer.Ordinal) ? LaunchType.AutoModeBuiltIn : LaunchType.AutoModeCustom;

        if (operatorManaged == true)
        {
            // The principal for EKS is assumed to be eks.amazonaws.com (UNVERIFIED, automode-facts §4.4): accept any eks principal or none.
            bool eks = string.IsNullOrEmpty(operatorPrincipal) || operatorPrincipal.Contains("eks", StringComparison.OrdinalIgnoreCase);
            return eks ? AutoModeKind() : LaunchType.OtherManaged;
        }

        if (tags is not null)
        {
            if (tags.ContainsKey("eks:nodegroup-name"))
            {
                return LaunchType.ManagedNodeGroup;
            }

            if (autoPool is not null && operatorManaged is null)
            {
                return AutoModeKind();
            }

            if (tags.ContainsKey("karpenter.sh/nodepool") || tags.ContainsKey("karpenter.k8s.aws/ec2nodeclass"))
            {
                return LaunchType.Karpenter;
            }
        }

        return operatorManaged == false ? LaunchType.SelfManaged : null;
    }

    /// <summary>Lower-case letters and digits of <paramref name="text"/> (separators - _ . and spaces dropped), into <paramref name="buffer"/>; "?" when too long.</summary>
    private static ReadOnlySpan<char> Normalize(string? text, Span<char> buffer)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return ReadOnlySpan<char>.Empty;
        }

        int n = 0;
        foreach (char c in text)
        {
            if (c is '-' or '_' or ' ' or '.')
            {
                continue;
            }

            if (n == buffer.Length)
            {
                return "?".AsSpan();
            }

            buffer[n++] = char.ToLowerInvariant(c);
        }

        return buffer[..n];
    }
}
