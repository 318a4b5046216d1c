using EksAutoMode.Engine.Pricing;

namespace EksAutoMode.Engine.Inventory;

/// <summary>What EC2 DescribeInstances says about a node's instance.</summary>
public sealed record Ec2InstanceFacts
{
    public required string InstanceId { get; init; }
    public string? InstanceType { get; init; }
    public string? Zone { get; init; }
    public string? Architecture { get; init; }
    /// <summary>EC2 InstanceLifecycle: "spot", "capacity-block", "scheduled" or null (on-demand).</summary>
    public string? Lifecycle { get; init; }
    public bool? OperatorManaged { get; init; }
    public string? OperatorPrincipal { get; init; }
    public string? State { get; init; }
    public DateTimeOffset? LaunchTime { get; init; }
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// Decides a node's <see cref="ComputeType"/> from well-known labels first and EC2 facts second — never from node
/// names (automode-facts §4.3/§4.4): <c>eks.amazonaws.com/compute-type</c> (auto, fargate, hybrid),
/// <c>karpenter.sh/nodepool</c> with <c>eks.amazonaws.com/nodeclass</c> (Auto Mode) or <c>karpenter.k8s.aws/ec2nodeclass</c>
/// (OSS Karpenter), <c>eks.amazonaws.com/nodegroup</c> (managed node group); then EC2's Operator (EC2 managed instance
/// operated by EKS) and launch tags; an EC2 instance with none of these is self-managed.
/// </summary>
public static class ComputeTypeResolver
{
    public const string ComputeTypeLabel = "eks.amazonaws.com/compute-type";
    public const string NodePoolLabel = "karpenter.sh/nodepool";
    public const string AutoNodeClassLabel = "eks.amazonaws.com/nodeclass";
    public const string KarpenterNodeClassLabel = "karpenter.k8s.aws/ec2nodeclass";
    public const string NodeGroupLabel = "eks.amazonaws.com/nodegroup";
    public const string FargateProfileLabel = "eks.amazonaws.com/fargate-profile";

    /// <summary>Built-in Auto Mode NodePools (automode-facts §3).</summary>
    public static IReadOnlyList<string> BuiltInNodePools { get; } = new[] { "system", "general-purpose" };

    public static (ComputeType Type, string Reason) Resolve(IReadOnlyDictionary<string, string> labels, string? providerId, Ec2InstanceFacts? ec2)
    {
        if (labels.TryGetValue(ComputeTypeLabel, out string? computeType))
        {
            switch (computeType.ToLowerInvariant())
            {
                case "auto":
                    return (ComputeType.AutoMode, $"label {ComputeTypeLabel}=auto");
                case "fargate":
                    return (ComputeType.Fargate, $"label {ComputeTypeLabel}=fargate");
                case "hybrid":
                    return (ComputeType.Hybrid, $"label {ComputeTypeLabel}=hybrid");
            }
        }

        if (labels.ContainsKey(NodeGroupLabel))
        {
            return (ComputeType.ManagedNodeGroup, $"label {NodeGroupLabel}");
        }

        if (labels.ContainsKey(NodePoolLabel))
        {
            if (labels.ContainsKey(AutoNodeClassLabel))
            {
                return (ComputeType.AutoMode, $"labels {NodePoolLabel} and {AutoNodeClassLabel}");
            }

            if (labels.ContainsKey(KarpenterNodeClassLabel))
            {
                return (ComputeType.Karpenter, $"labels {NodePoolLabel} and {KarpenterNodeClassLabel}");
            }
        }

        if (providerId is not null && providerId.StartsWith("eks-hybrid://", StringComparison.OrdinalIgnoreCase))
        {
            return (ComputeType.Hybrid, "providerID eks-hybrid://");
        }

        if (ec2 is not null)
        {
            LaunchType? launch = CostInputParser.FromEc2(ec2.OperatorManaged, ec2.OperatorPrincipal, ec2.Tags, out _);
            switch (launch)
            {
                case LaunchType.AutoMode or LaunchType.AutoModeBuiltIn or LaunchType.AutoModeCustom:
                    return (ComputeType.AutoMode, ec2.OperatorManaged == true ? $"EC2 managed instance (operator {ec2.OperatorPrincipal ?? "EKS"})" : "EC2 tag eks:kubernetes-node-pool-name");
                case LaunchType.ManagedNodeGroup:
                    return (ComputeType.ManagedNodeGroup, "EC2 tag eks:nodegroup-name");
                case LaunchType.Karpenter:
                    return (ComputeType.Karpenter, "EC2 tag karpenter.sh/nodepool");
            }

            return (ComputeType.SelfManaged, "EC2 instance without Auto Mode, node group or Karpenter marks");
        }

        if (labels.ContainsKey(NodePoolLabel))
        {
            // A Karpenter pool label without a node class label: OSS Karpenter (Auto Mode always sets its labels).
            return (ComputeType.Karpenter, $"label {NodePoolLabel} without {AutoNodeClassLabel}");
        }

        return (ComputeType.SelfManaged, "no Auto Mode, node group, Karpenter, Fargate or hybrid marks");
    }

    /// <summary>The pricing launch type of a node (decides the Auto Mode fee with <see cref="FeeApplicability"/>).</summary>
    public static LaunchType LaunchTypeOf(ComputeType type, string? nodePool, string? nodeClass) => type switch
    {
        ComputeType.AutoMode => nodePool is not null && BuiltInNodePools.Contains(nodePool, StringComparer.Ordinal) && nodeClass is null or "default"
            ? LaunchType.AutoModeBuiltIn
            : nodePool is null ? LaunchType.AutoMode : LaunchType.AutoModeCustom,
        ComputeType.ManagedNodeGroup => LaunchType.ManagedNodeGroup,
        ComputeType.Karpenter => LaunchType.Karpenter,
        ComputeType.Fargate => LaunchType.Fargate,
        _ => LaunchType.SelfManaged,
    };
}
