using System.Management.Automation;
using System.Management.Automation.Host;

namespace EksAutoMode.Infrastructure;

/// <summary>
/// Base of cmdlets that change a cluster (ConfirmImpact High). They never prompt where nobody can answer: in a
/// non-interactive host (<c>pwsh -NonInteractive</c>, Azure Automation, SSM, cron) a change that would need
/// confirmation is refused with <c>ConfirmationRequired</c> before anything is touched, unless the caller passed
/// <c>-Confirm:$false</c> (or set <c>$ConfirmPreference = 'None'</c>). <c>-WhatIf</c> never changes anything.
/// </summary>
public abstract class KubernetesChangeCmdlet : KubernetesCmdlet
{
    private bool? _refusalChecked;

    protected bool WhatIfRequested =>
        MyInvocation.BoundParameters.TryGetValue("WhatIf", out object? w) && w is SwitchParameter { IsPresent: true }
        || SessionState.PSVariable.GetValue("WhatIfPreference") is SwitchParameter { IsPresent: true } or true;

    /// <summary>Would ShouldProcess ask the user (High impact against $ConfirmPreference and -Confirm)?</summary>
    private bool PromptWouldBeNeeded()
    {
        if (WhatIfRequested)
        {
            return false;
        }

        if (MyInvocation.BoundParameters.TryGetValue("Confirm", out object? c) && c is SwitchParameter confirm)
        {
            return confirm.IsPresent;
        }

        object? pref = SessionState.PSVariable.GetValue("ConfirmPreference");
        ConfirmImpact level = pref is ConfirmImpact ci ? ci : Enum.TryParse(pref?.ToString(), true, out ConfirmImpact parsed) ? parsed : ConfirmImpact.High;
        return level != ConfirmImpact.None && ConfirmImpact.High >= level;
    }

    /// <summary>Whether nobody can answer a prompt in this host.</summary>
    private bool NonInteractiveHost()
    {
        foreach (string arg in Environment.GetCommandLineArgs().Skip(1))
        {
            string a = arg.TrimStart('-', '/').ToLowerInvariant();
            if (a is "c" or "command" or "f" or "file" or "commandwithargs" or "cwa" or "encodedcommand" or "e" or "ec")
            {
                break;
            }

            if (a.Length >= 4 && "noninteractive".StartsWith(a, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return Host?.UI is null || Host.Name is "Default Host" or "ServerRemoteHost" || !Environment.UserInteractive;
    }

    /// <summary>ShouldProcess that refuses (terminating error) instead of prompting where no one can answer.</summary>
    protected bool ShouldChange(string target, string action)
    {
        if (_refusalChecked is null)
        {
            _refusalChecked = true;
            if (PromptWouldBeNeeded() && NonInteractiveHost())
            {
                Refuse(target, action);
            }
        }

        try
        {
            return ShouldProcess(target, action);
        }
        catch (Exception ex) when (ex is HostException or PSInvalidOperationException or NotImplementedException or PSNotImplementedException)
        {
            Refuse(target, action);
            return false;
        }
    }

    private void Refuse(string target, string action)
    {
        var record = new ErrorRecord(
            new PSInvalidOperationException($"Refusing to {action} '{target}' without confirmation: this host is non-interactive, so it cannot ask. Run with -Confirm:$false to proceed (or -WhatIf to see what would change)."),
            "ConfirmationRequired", ErrorCategory.PermissionDenied, target)
        {
            ErrorDetails = new ErrorDetails($"Refusing to {action} '{target}' without confirmation: this host is non-interactive, so it cannot ask. Run with -Confirm:$false to proceed (or -WhatIf to see what would change).")
            {
                RecommendedAction = "Add -Confirm:$false in runbooks and scheduled jobs.",
            },
        };
        ThrowTerminatingError(record);
    }

    /// <summary>A name for the cluster in output: -ClusterName, the kubeconfig context, or the server.</summary>
    protected string ClusterLabel(EksAutoMode.Engine.Kubernetes.KubernetesConnection c) => c.ClusterName ?? c.Context ?? c.Server;
}

/// <summary>Base of the cmdlets that change NodePools by name (-Name, pipeline by value or property name).</summary>
public abstract class NodePoolChangeCmdlet : KubernetesChangeCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("NodePool", "NodePoolName")]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = [];

    protected override void ProcessRecord()
    {
        var connection = GetKubernetesConnection();
        var suspension = new EksAutoMode.Engine.Operations.NodePoolSuspension(new EksAutoMode.Engine.Operations.KubernetesObjectClient(connection));
        foreach (string raw in Name)
        {
            try
            {
                ProcessPool(raw.Trim(), suspension, ClusterLabel(connection));
            }
            catch (EksAutoMode.Engine.EngineException ex)
            {
                WriteEngineError(ex);
            }
        }
    }

    /// <summary>One pool; engine errors become non-terminating errors for that pool.</summary>
    protected abstract void ProcessPool(string name, EksAutoMode.Engine.Operations.NodePoolSuspension suspension, string cluster);

    protected static EksAutoMode.NodePoolSuspension ToOutput(EksAutoMode.Engine.Operations.NodePoolOperationResult r, string cluster) => new()
    {
        ClusterName = cluster,
        Name = r.NodePool,
        Action = r.Action,
        OriginalLimits = r.OriginalLimits,
        OriginalReplicas = r.OriginalReplicas,
        SuspendedAt = r.SuspendedAt,
        NodeClaimsDeleted = r.NodeClaimsDeleted,
        RemainingNodeClaims = r.RemainingNodeClaims,
        HeldBy = r.HeldBy.ToArray(),
        TimedOut = r.TimedOut,
        Message = r.Message,
    };
}
