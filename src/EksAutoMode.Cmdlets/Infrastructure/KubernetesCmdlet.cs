using System.Management.Automation;
using EksAutoMode.Engine;
using EksAutoMode.Engine.Aws;
using EksAutoMode.Engine.Kubernetes;

namespace EksAutoMode.Infrastructure;

/// <summary>
/// Base of cmdlets that read a cluster's Kubernetes API. Connection order: -KubeConfigPath/-Context (a
/// kubeconfig; exec plugins such as 'aws eks get-token' work), else -ClusterName (EKS DescribeCluster with the
/// AWS common parameters → endpoint, cluster CA and an in-process token; no kubeconfig or AWS CLI needed),
/// else the default kubeconfig (KUBECONFIG or ~/.kube/config).
/// </summary>
public abstract class KubernetesCmdlet : AwsCmdlet
{
    private KubernetesConnection? _connection;
    private string? _connectionKey;

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("KubeConfig")]
    public string? KubeConfigPath { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("KubeContext")]
    public string? Context { get; set; }

    /// <summary>
    /// The EKS clusters to connect to without a kubeconfig: names, or objects with a ClusterName or Name property
    /// (Get-EKSCluster, Get-AutoModeCluster), from the command line or the pipeline.
    /// </summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ClusterNameTransformation]
    [ValidateNotNullOrEmpty]
    public string[]? ClusterName { get; set; }

    /// <summary>True when -KubeConfigPath or -Context chose a kubeconfig connection.</summary>
    protected bool UsesKubeConfig => KubeConfigPath is not null || Context is not null;

    /// <summary>A kubeconfig connection (-KubeConfigPath/-Context, else KUBECONFIG or ~/.kube/config); the caller owns it.</summary>
    protected KubernetesConnection OpenKubeConfigConnection()
    {
        string? path = KubeConfigPath is null ? null : GetUnresolvedProviderPathFromPSPath(KubeConfigPath);
        return KubernetesConnection.FromKubeConfig(path, Context, CallTimeout);
    }

    protected KubernetesConnection GetKubernetesConnection()
    {
        string? clusterName = ClusterName?.FirstOrDefault();
        string key = string.Join('\u001f', KubeConfigPath, Context, clusterName);
        if (_connection is not null && _connectionKey == key)
        {
            return _connection;
        }

        _connection?.Dispose();
        _connection = null;
        try
        {
            if (UsesKubeConfig || clusterName is null)
            {
                _connection = OpenKubeConfigConnection();
            }
            else
            {
                var session = GetAwsSession();
                _connection = RunAws(ct => KubernetesConnection.ForEksClusterAsync(session, clusterName, ct));
            }
        }
        catch (EngineException ex)
        {
            ThrowEngineError(ex);
        }

        _connectionKey = key;
        WriteDebug($"Kubernetes connection from {_connection!.Source}: {_connection.Server}");
        foreach (string warning in _connection.Warnings)
        {
            WriteWarning(warning);
        }

        return _connection;
    }

    /// <summary>
    /// Opens the connection for one cluster of -ClusterName (through EKS with <paramref name="session"/>) or the
    /// kubeconfig (-KubeConfigPath/-Context, or no cluster name). The caller owns it. On failure returns null and
    /// the reason in <paramref name="error"/>, so cmdlets that also read AWS can go on and report what they can.
    /// </summary>
    protected KubernetesConnection? TryOpenConnection(string? clusterName, AwsSession? session, out EngineException? error)
    {
        error = null;
        try
        {
            return UsesKubeConfig || clusterName is null || session is null
                ? OpenKubeConfigConnection()
                : RunAws(ct => KubernetesConnection.ForEksClusterAsync(session, clusterName, ct));
        }
        catch (EngineException ex)
        {
            error = ex;
            return null;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _connection?.Dispose();
        }

        base.Dispose(disposing);
    }
}
