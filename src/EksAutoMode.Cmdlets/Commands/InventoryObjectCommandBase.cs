using System.Management.Automation;
using EksAutoMode.Engine.Inventory;
using EksAutoMode.Engine.Kubernetes;
using EksAutoMode.Infrastructure;
using EksAutoMode.Completers;

namespace EksAutoMode.Commands;

/// <summary>
/// Shared body of Get-AutoModeNodePool, -NodeClass and -NodeClaim: -Name wildcards, one read of the lists the
/// cmdlet needs (with diagnosis), and the objects of one kind written per cluster.
/// </summary>
public abstract class InventoryObjectCommandBase : ClusterFanOutCmdlet
{
    private WildcardPattern[]? _names;

    /// <summary>Names to keep (wildcards).</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(InventoryNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>The lists to read (the objects themselves and what their diagnosis needs).</summary>
    private protected abstract AutoModeObjectKinds Kinds { get; }

    /// <summary>The objects this cmdlet reports, as (name, output object).</summary>
    private protected abstract IEnumerable<(string Name, object Output)> Select(AutoModeObjects objects, DateTimeOffset now);

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        _names = Name?.Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToArray();
    }

    protected override async Task ReadClusterAsync(ClusterTarget target, KubernetesListReader reader, ClusterSink sink, CancellationToken cancellationToken)
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        sink.Progress(target.Name, $"Reading {Kinds}", null);
        AutoModeObjects objects = await new InventoryDiagnosis(reader).ReadAsync(target.Name, Kinds, now, cancellationToken).ConfigureAwait(false);
        foreach (var (name, output) in Select(objects, now))
        {
            if (_names is null || _names.Any(p => p.IsMatch(name)))
            {
                sink.Emit(output);
            }
        }
    }
}
