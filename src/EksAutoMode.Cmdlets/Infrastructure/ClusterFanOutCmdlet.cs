using System.Collections.Concurrent;
using System.Management.Automation;
using EksAutoMode.Engine;
using EksAutoMode.Engine.Aws;
using EksAutoMode.Engine.Kubernetes;

namespace EksAutoMode.Infrastructure;

/// <summary>One cluster to read: its display name, how to connect, and (when EC2 may be called) the AWS session.</summary>
public sealed record ClusterTarget(string Name, Func<CancellationToken, Task<KubernetesConnection>> Connect, AwsSession? Session);

/// <summary>What a cluster worker hands to the pipeline thread (objects, progress, verbose lines, warnings).</summary>
public sealed class ClusterSink
{
    private readonly ConcurrentQueue<(int Kind, object Value)> _queue;
    private readonly AutoResetEvent _signal;

    internal ClusterSink(ConcurrentQueue<(int, object)> queue, AutoResetEvent signal)
    {
        _queue = queue;
        _signal = signal;
    }

    internal const int ObjectKind = 0, VerboseKind = 1, WarningKind = 2, ErrorKind = 3, ProgressKind = 4;

    public void Emit(object value) => Put(ObjectKind, value);
    public void Verbose(string text) => Put(VerboseKind, text);
    public void Warning(string text) => Put(WarningKind, text);
    public void Progress(string cluster, string status, int? percent) => Put(ProgressKind, (cluster, status, percent));

    internal void Error(EngineException exception) => Put(ErrorKind, exception);

    private void Put(int kind, object value)
    {
        _queue.Enqueue((kind, value));
        _signal.Set();
    }
}

/// <summary>
/// Base of the cluster inventory cmdlets: clusters from -ClusterName (names or cluster objects, by value or by
/// property name) are read in parallel (-ThrottleLimit, default 4) on worker tasks; their objects, progress and
/// diagnostics are written on the pipeline thread as they arrive. A failing cluster is one non-terminating error
/// while the others complete; Ctrl+C cancels every worker and returns promptly. Without -ClusterName the kubeconfig
/// (-KubeConfigPath/-Context, else KUBECONFIG or ~/.kube/config) names the one cluster.
/// </summary>
public abstract class ClusterFanOutCmdlet : KubernetesCmdlet
{
    private readonly ConcurrentQueue<(int Kind, object Value)> _queue = new();
    private readonly AutoResetEvent _signal = new(false);
    private readonly List<Task> _tasks = new();
    private readonly Dictionary<string, int> _progressIds = new(StringComparer.Ordinal);
    private readonly HashSet<string> _started = new(StringComparer.Ordinal);
    private SemaphoreSlim? _throttle;
    private ClusterSink? _sink;
    private bool _kubeConfigStarted;

    /// <summary>How many clusters are read at the same time.</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 4;

    /// <summary>Reads one cluster and hands results to <paramref name="sink"/>. Runs on a worker thread.</summary>
    protected abstract Task ReadClusterAsync(ClusterTarget target, KubernetesListReader reader, ClusterSink sink, CancellationToken cancellationToken);

    /// <summary>Writes one emitted object (pipeline thread). Override to convert engine results to output types.</summary>
    protected virtual void WriteResult(object value) => WriteObject(value);

    /// <summary>Whether EC2 may be called for kubeconfig connections: only when an AWS parameter was given.</summary>
    protected bool AwsParametersGiven =>
        new[] { nameof(Region), nameof(ProfileName), nameof(AccessKey), nameof(Credential), nameof(EndpointUrl) }.Any(MyInvocation.BoundParameters.ContainsKey);

    /// <summary>Whether this cmdlet wants an AWS session for kubeconfig connections (EC2 facts).</summary>
    protected virtual bool WantsAwsForKubeConfig => false;

    protected override void BeginProcessing()
    {
        _throttle = new SemaphoreSlim(ThrottleLimit);
        _sink = new ClusterSink(_queue, _signal);
    }

    protected override void ProcessRecord()
    {
        if (UsesKubeConfig || ClusterName is not { Length: > 0 })
        {
            if (UsesKubeConfig || !MyInvocation.ExpectingInput)
            {
                StartKubeConfig();
            }
        }
        else
        {
            AwsSession session = GetAwsSession();
            foreach (string raw in ClusterName)
            {
                string name = raw.Trim();
                if (name.Length == 0 || !_started.Add(session.Region + "\u001f" + name))
                {
                    continue;
                }

                Start(new ClusterTarget(name, ct => KubernetesConnection.ForEksClusterAsync(session, name, ct), session));
            }
        }

        Drain(wait: false);
    }

    protected override void EndProcessing()
    {
        Drain(wait: true);
        foreach (var (cluster, id) in _progressIds)
        {
            WriteProgress(new ProgressRecord(id, Activity(cluster), "Done") { RecordType = ProgressRecordType.Completed });
        }
    }

    private void StartKubeConfig()
    {
        if (_kubeConfigStarted)
        {
            return;
        }

        _kubeConfigStarted = true;
        KubernetesConnection connection;
        try
        {
            connection = OpenKubeConfigConnection();
        }
        catch (EngineException ex)
        {
            ThrowEngineError(ex);
            return;
        }

        foreach (string warning in connection.Warnings)
        {
            WriteWarning(warning);
        }

        AwsSession? session = WantsAwsForKubeConfig && AwsParametersGiven ? GetAwsSession() : null;
        string name = ClusterName?.FirstOrDefault() ?? connection.Context ?? connection.Server;
        WriteDebug($"Kubernetes connection from {connection.Source}: {connection.Server}");
        Start(new ClusterTarget(name, _ => Task.FromResult(connection), session));
    }

    private void Start(ClusterTarget target)
    {
        ClusterSink sink = _sink!;
        CancellationToken token = CancellationToken;
        _tasks.Add(Task.Run(async () =>
        {
            await _throttle!.WaitAsync(token).ConfigureAwait(false);
            try
            {
                using KubernetesConnection connection = await target.Connect(token).ConfigureAwait(false);
                var reader = new KubernetesListReader(connection) { Trace = line => sink.Verbose($"[{target.Name}] {line}") };
                sink.Verbose($"[{target.Name}] Kubernetes connection from {connection.Source}: {connection.Server}");
                await ReadClusterAsync(target, reader, sink, token).ConfigureAwait(false);
                sink.Verbose($"[{target.Name}] done: {reader.RequestCount} Kubernetes request(s).");
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
            }
            catch (EngineException ex)
            {
                sink.Error(ex);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or System.Text.Json.JsonException or InvalidOperationException or TimeoutException)
            {
                sink.Error(new EngineException("ClusterReadFailed", ErrorKind.ReadError, $"Reading cluster '{target.Name}' failed: {ex.Message}", target.Name, ex));
            }
            finally
            {
                _throttle!.Release();
            }
        }, token));
    }

    /// <summary>Writes what the workers produced; with <paramref name="wait"/>, until every worker has finished.</summary>
    private void Drain(bool wait)
    {
        while (true)
        {
            while (_queue.TryDequeue(out var item))
            {
                Write(item.Kind, item.Value);
            }

            DrainMessages();
            if (!wait || _tasks.All(t => t.IsCompleted))
            {
                break;
            }

            if (CancellationToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }

            _signal.WaitOne(100);
        }

        while (_queue.TryDequeue(out var rest))
        {
            Write(rest.Kind, rest.Value);
        }
    }

    private void Write(int kind, object value)
    {
        switch (kind)
        {
            case ClusterSink.ObjectKind:
                WriteResult(value);
                break;
            case ClusterSink.VerboseKind:
                WriteVerbose((string)value);
                break;
            case ClusterSink.WarningKind:
                WriteWarning((string)value);
                break;
            case ClusterSink.ErrorKind:
                WriteEngineError((EngineException)value);
                break;
            case ClusterSink.ProgressKind:
                var (cluster, status, percent) = ((string, string, int?))value;
                if (!_progressIds.TryGetValue(cluster, out int id))
                {
                    _progressIds[cluster] = id = Random.Shared.Next(1, int.MaxValue);
                }

                WriteProgress(new ProgressRecord(id, Activity(cluster), status) { PercentComplete = percent ?? -1 });
                break;
        }
    }

    private string Activity(string cluster) => $"{MyInvocation.MyCommand.Name}: cluster {cluster}";

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _signal.Dispose();
            _throttle?.Dispose();
        }

        base.Dispose(disposing);
    }
}
