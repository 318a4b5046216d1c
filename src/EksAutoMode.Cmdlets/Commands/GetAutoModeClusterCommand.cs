using System.Management.Automation;
using EksAutoMode.Engine;
using EksAutoMode.Engine.Aws;
using EksAutoMode.Infrastructure;

namespace EksAutoMode.Commands;

/// <summary>
/// Shows whether EKS clusters run Auto Mode (Auto, Standard, PartiallyEnabled), which built-in node pools are
/// enabled (and which configured names are not pools at all), the node role, add-ons Auto Mode makes redundant,
/// the support policy and the endpoint. Names come from -Name, the pipeline (strings from Get-EKSClusterList or
/// Cluster objects from Get-EKSCluster), or every cluster in the region.
/// </summary>
[Cmdlet(VerbsCommon.Get, "AutoModeCluster")]
[OutputType(typeof(AutoModeCluster))]
public sealed class GetAutoModeClusterCommand : AwsCmdlet
{
    private const string Activity = "Reading EKS clusters";
    private bool _anyNameGiven;

    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ClusterName")]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    protected override void ProcessRecord()
    {
        AwsSession session = GetAwsSession();
        var reader = new AutoModeClusterReader(session);
        IReadOnlyList<string> names;
        if (Name is { Length: > 0 })
        {
            _anyNameGiven = true;
            names = Name;
        }
        else
        {
            if (_anyNameGiven)
            {
                return;
            }

            ClusterNameList listed;
            try
            {
                listed = RunAws(ct => reader.ListClusterNamesPartialAsync(ct));
            }
            catch (EngineException ex)
            {
                ThrowEngineError(ex);
                return;
            }

            // A later page failed: the clusters already listed are still reported, after an error saying the list is partial.
            if (listed.Failure is not null)
            {
                WriteEngineError(listed.Failure);
            }

            names = listed.Names;
            WriteVerbose($"{names.Count} cluster(s) in {session.Region}.");
        }

        for (int i = 0; i < names.Count; i++)
        {
            string name = names[i].Trim();
            if (names.Count > 1)
            {
                WriteItemProgress(Activity, i, names.Count, name);
            }

            AutoModeClusterInfo info;
            try
            {
                info = RunAws(ct => reader.GetAsync(name, ct));
            }
            catch (EngineException ex)
            {
                WriteEngineError(ex);
                continue;
            }

            foreach (string warning in info.Warnings)
            {
                WriteWarning(warning);
            }

            WriteObject(ToOutput(info));
        }

        CompleteProgress(Activity);
    }

    protected override void EndProcessing() => CompleteProgress(Activity);

    private static AutoModeCluster ToOutput(AutoModeClusterInfo info) => new()
    {
        Name = info.Name,
        Region = info.Region,
        Arn = info.Arn,
        Version = info.Version,
        PlatformVersion = info.PlatformVersion,
        Status = info.Status,
        Mode = Enum.Parse<AutoModeClusterMode>(info.Mode.ToString()).ToString(),
        ComputeEnabled = info.ComputeEnabled,
        BlockStorageEnabled = info.BlockStorageEnabled,
        LoadBalancingEnabled = info.LoadBalancingEnabled,
        NodePools = info.NodePools.ToArray(),
        BuiltInNodePools = info.BuiltInNodePools.ToArray(),
        UnknownNodePools = info.UnknownNodePools.ToArray(),
        NodeRoleArn = info.NodeRoleArn,
        NodeRoleName = info.NodeRoleName,
        InstalledAddons = info.MissingData.Contains("InstalledAddons") ? null : info.InstalledAddons.ToArray(),
        RedundantAddons = info.MissingData.Contains("RedundantAddons") ? null
            : info.RedundantAddons.Select(a => new AutoModeRedundantAddon { Name = a.Name, Component = a.Component, Advice = a.Advice, SourceUrl = a.SourceUrl }).ToArray(),
        ManagedNodeGroupCount = info.ManagedNodeGroupCount,
        SupportType = info.SupportType,
        Endpoint = info.Endpoint,
        CreatedAt = info.CreatedAt,
        Advice = info.Advice.ToArray(),
        IsComplete = info.IsComplete,
        MissingData = info.MissingData.ToArray(),
    };
}
