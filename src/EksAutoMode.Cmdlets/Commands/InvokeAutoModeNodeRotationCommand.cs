using System.Management.Automation;
using EksAutoMode.Engine;
using EksAutoMode.Engine.Operations;
using EksAutoMode.Infrastructure;
using EksAutoMode.Completers;

namespace EksAutoMode.Commands;

/// <summary>
/// Replaces a pool's qualifying nodes (older than -OlderThan, or expiring within -ExpiringWithin) in a window the
/// operator chose: delete a NodeClaim, wait until its replacement is Ready and the evicted workloads are Running
/// again, then the next; never more than -MaxUnavailable at once; stops with an error when a node does not drain
/// (PDB, do-not-disrupt) or recover within -Timeout. One output object per node.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "AutoModeNodeRotation", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = "OlderThan")]
[OutputType(typeof(NodeRotationResult))]
public sealed class InvokeAutoModeNodeRotationCommand : KubernetesChangeCmdlet
{
    private const string Activity = "Rotating Auto Mode nodes";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name", "NodePoolName")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(NodePoolNameCompleter))]
    public string NodePool { get; set; } = string.Empty;

    /// <summary>Rotate nodes whose NodeClaim is at least this old.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "OlderThan")]
    public TimeSpan OlderThan { get; set; }

    /// <summary>Rotate nodes whose expireAfter runs out within this time.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "ExpiringWithin")]
    public TimeSpan ExpiringWithin { get; set; }

    /// <summary>Nodes replaced at the same time (default 1).</summary>
    [Parameter]
    [ValidateRange(1, 100)]
    public int MaxUnavailable { get; set; } = 1;

    /// <summary>How long one node may take to drain, be replaced and have its pods Running again (default 30 minutes).</summary>
    [Parameter]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(30);

    protected override void ProcessRecord()
    {
        TimeSpan? older = ParameterSetName == "OlderThan" ? OlderThan : null;
        TimeSpan? expiring = ParameterSetName == "ExpiringWithin" ? ExpiringWithin : null;
        try
        {
            NodeRotation.Validate(older, expiring, MaxUnavailable, Timeout);
        }
        catch (EngineException ex)
        {
            ThrowEngineError(ex);
        }

        var connection = GetKubernetesConnection();
        string cluster = ClusterLabel(connection);
        var rotation = new NodeRotation(new KubernetesObjectClient(connection));
        string pool = NodePool.Trim();
        try
        {
            var candidates = RunAws(ct => rotation.FindAsync(pool, older, expiring, DateTimeOffset.UtcNow, ct));
            WriteVerbose($"{candidates.Count} node(s) of pool '{pool}' qualify: {string.Join(", ", candidates.Select(c => c.Node ?? c.NodeClaim))}");
            if (candidates.Count == 0)
            {
                return;
            }

            var inFlight = RunAws(ct => rotation.InFlightAsync(pool, ct));
            if (inFlight.Count > 0 && !WhatIfRequested)
            {
                WriteVerbose($"Waiting for NodeClaim(s) already being deleted: {string.Join(", ", inFlight)}");
                if (!RunAws(ct => rotation.WaitInFlightAsync(pool, Timeout, ct)))
                {
                    WriteError("RotationBlocked", ErrorCategory.OperationTimeout,
                        $"NodeClaim(s) {string.Join(", ", inFlight)} of pool '{pool}' were already being deleted and did not finish within {Timeout}; no node was rotated.", pool,
                        "Check what holds them (Suspend-AutoModeNodePool -Wait reports PDBs and do-not-disrupt pods), then run the rotation again.");
                    return;
                }
            }

            int done = 0;
            for (int i = 0; i < candidates.Count; i += MaxUnavailable)
            {
                var still = RunAws(ct => rotation.FindAsync(pool, older, expiring, DateTimeOffset.UtcNow, ct)).Select(c => c.NodeClaim).ToHashSet(StringComparer.Ordinal);
                var batch = new List<NodeRotationCandidate>();
                foreach (var c in candidates.Skip(i).Take(MaxUnavailable).Where(c => still.Contains(c.NodeClaim)))
                {
                    if (ShouldChange($"node {c.Node} (NodeClaim {c.NodeClaim}, pool {pool}, {cluster})", "Replace: delete the NodeClaim, wait for the replacement and the evicted pods"))
                    {
                        batch.Add(c);
                    }
                }

                if (batch.Count == 0)
                {
                    continue;
                }

                WriteItemProgress(Activity, done, candidates.Count, string.Join(", ", batch.Select(b => b.Node)));
                var records = RunAws(async ct => await Task.WhenAll(batch.Select(c => rotation.RotateAsync(c, Timeout, null, ct))).ConfigureAwait(false));
                done += records.Length;
                foreach (NodeRotationRecord r in records)
                {
                    WriteObject(new NodeRotationResult
                    {
                        ClusterName = cluster,
                        NodePool = r.NodePool,
                        OldNode = r.OldNode ?? string.Empty,
                        OldNodeClaim = r.OldNodeClaim,
                        NewNode = r.NewNode,
                        NewNodeClaim = r.NewNodeClaim,
                        Started = r.Started,
                        Finished = r.Finished,
                        Outcome = r.Outcome,
                        Message = r.Message,
                    });
                }

                var failed = records.FirstOrDefault(r => r.Outcome != "Replaced");
                if (failed is not null)
                {
                    WriteError(failed.Outcome == "Blocked" ? "RotationBlocked" : "RotationTimedOut", ErrorCategory.OperationTimeout,
                        $"Rotation of pool '{pool}' stopped at node {failed.OldNode}: {failed.Message}", failed.OldNode,
                        "Fix the blocker and run the same command again: nodes already replaced no longer qualify.");
                    break;
                }
            }

            CompleteProgress(Activity);
        }
        catch (EngineException ex)
        {
            WriteEngineError(ex);
        }
    }
}
