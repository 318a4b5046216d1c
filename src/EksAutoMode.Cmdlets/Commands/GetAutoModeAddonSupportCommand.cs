using System.Management.Automation;
using EksAutoMode.Engine;
using EksAutoMode.Engine.Aws;
using EksAutoMode.Engine.Kubernetes;
using EksAutoMode.Engine.Readiness;
using EksAutoMode.Infrastructure;

namespace EksAutoMode.Commands;

/// <summary>
/// Per installed EKS add-on: the versions EKS publishes for the target Kubernetes version (DescribeAddonVersions)
/// and whether the installed one is among them; per third-party controller found in the cluster (Helm releases,
/// well-known Deployments/DaemonSets): what Auto Mode does with it. Default target: the cluster's next minor.
/// </summary>
[Cmdlet(VerbsCommon.Get, "AutoModeAddonSupport")]
[OutputType(typeof(AutoModeAddonSupport))]
public sealed class GetAutoModeAddonSupportCommand : KubernetesCmdlet
{
    /// <summary>The Kubernetes version to check against (default: the cluster's next minor version).</summary>
    [Parameter]
    [ValidatePattern(@"^v?\d{1,3}\.\d{1,3}")]
    public string? KubernetesVersion { get; set; }

    protected override void ProcessRecord()
    {
        if (ClusterName is not { Length: > 0 })
        {
            ThrowTerminatingError(new ErrorRecord(new PSArgumentException("Give -ClusterName: add-on versions are read from EKS."), "ClusterNameRequired", ErrorCategory.InvalidArgument, null));
            return;
        }

        AwsSession session = GetAwsSession();
        foreach (string name in ClusterName)
        {
            KubernetesConnection? connection = TryOpenConnection(name, session, out EngineException? error);
            using (connection)
            {
                var source = new LiveReadinessSource(connection, session, name, null, error);
                AddonSupportReport report;
                try
                {
                    report = RunAws(ct => AddonSupport.ReadAsync(session, source, KubernetesVersion, DateTimeOffset.UtcNow, ct));
                }
                catch (EngineException ex)
                {
                    WriteEngineError(ex);
                    continue;
                }

                foreach (string warning in report.Warnings)
                {
                    WriteWarning($"{name}: {warning}");
                }

                foreach (AddonSupportInfo a in report.Items)
                {
                    WriteObject(new AutoModeAddonSupport
                    {
                        ClusterName = name,
                        Name = a.Name,
                        Source = a.Source,
                        Namespace = a.Namespace,
                        InstalledVersion = a.InstalledVersion,
                        TargetKubernetesVersion = a.TargetKubernetesVersion,
                        CompatibleVersionExists = a.CompatibleVersionExists,
                        InstalledVersionCompatible = a.InstalledVersionCompatible,
                        CompatibleVersions = a.CompatibleVersions.ToArray(),
                        DefaultVersion = a.DefaultVersion,
                        RedundantUnderAutoMode = a.RedundantUnderAutoMode,
                        Advice = a.Advice,
                    });
                }
            }
        }
    }
}
