namespace EksAutoMode;

/// <summary>What Suspend-AutoModeNodePool / Resume-AutoModeNodePool did to one NodePool.</summary>
public sealed class NodePoolSuspension
{
    /// <summary>The cluster (EKS name, or the kubeconfig context).</summary>
    public string? ClusterName { get; set; }

    public string Name { get; set; } = string.Empty;

    /// <summary>Suspended, AlreadySuspended or Resumed.</summary>
    public string Action { get; set; } = string.Empty;

    /// <summary>spec.limits as recorded (JSON), empty when the pool had none.</summary>
    public string? OriginalLimits { get; set; }

    /// <summary>spec.replicas of a static pool as recorded.</summary>
    public string? OriginalReplicas { get; set; }

    public DateTimeOffset? SuspendedAt { get; set; }
    public int NodeClaimsDeleted { get; set; }
    public int RemainingNodeClaims { get; set; }

    /// <summary>What still holds the pool's nodes (PDBs, karpenter.sh/do-not-disrupt pods).</summary>
    public string[] HeldBy { get; set; } = [];

    public bool TimedOut { get; set; }
    public string Message { get; set; } = string.Empty;
}

/// <summary>One node replaced (or not) by Invoke-AutoModeNodeRotation.</summary>
public sealed class NodeRotationResult
{
    public string? ClusterName { get; set; }
    public string NodePool { get; set; } = string.Empty;
    public string OldNode { get; set; } = string.Empty;
    public string OldNodeClaim { get; set; } = string.Empty;
    public string? NewNode { get; set; }
    public string? NewNodeClaim { get; set; }
    public DateTimeOffset Started { get; set; }
    public DateTimeOffset Finished { get; set; }
    public TimeSpan Duration => Finished - Started;

    /// <summary>Replaced, Blocked (drain held by a PDB or do-not-disrupt), TimedOut, or WhatIf.</summary>
    public string Outcome { get; set; } = string.Empty;

    public string Message { get; set; } = string.Empty;
}
