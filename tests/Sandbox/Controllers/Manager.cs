using System.Text.Json.Nodes;
using EksAutoMode.Sandbox.Core;
using EksAutoMode.Sandbox.Kube;

namespace EksAutoMode.Sandbox.Controllers;

/// <summary>
/// One behaviour of the simulated control plane, like one controller under Karpenter's <c>pkg/controllers</c>
/// (<c>nodepool/counter</c>, <c>nodeclaim/lifecycle</c>, <c>node/termination</c> …). Reconcilers are level-triggered:
/// each run looks at the whole current state and writes only what differs, so running one twice changes nothing.
/// </summary>
internal interface IReconciler
{
    /// <summary>The controller's name, e.g. <c>nodepool.counter</c> (Karpenter's own name where one exists).</summary>
    string Name { get; }

    /// <summary>A write to a resource of this type makes the manager run the reconciler.</summary>
    bool Watches(ResourceType type);

    /// <summary>Also run on a timer (time-driven behaviour such as expiry or registration timeouts); null = only on changes.</summary>
    TimeSpan? Period { get; }

    void Reconcile(ReconcileContext ctx);
}

/// <summary>What a reconciler sees: the cluster's store (the manager holds its lock while reconcilers run) and a writer.</summary>
internal sealed class ReconcileContext(World world, Cluster cluster, ControllerManager manager)
{
    public World World => world;
    public Cluster Cluster => cluster;
    public KubeStore Store => cluster.Kube;
    public DateTimeOffset Now => manager.Clock();

    public ResourceType? Type(string group, string plural) => cluster.Kube.Types.FirstOrDefault(t => t.Group == group && t.Plural == plural);

    /// <summary>Every object of a type in key order, generated ones included (deleted ones not). Objects are shared: clone before changing.</summary>
    public IEnumerable<JsonObject> List(ResourceType? type)
    {
        if (type == null) yield break;
        var col = cluster.Kube.Collections[type];
        foreach (var (_, o) in col.Enumerate(null, null, col.Items.ToArray(), col.Tombstones)) yield return o;
    }

    /// <summary>Stores <paramref name="updated"/> (a changed copy of <paramref name="current"/>) only if it differs: a quiet cluster keeps its resourceVersions.</summary>
    public bool Write(ResourceType type, JsonObject current, JsonObject updated)
    {
        if (ReferenceEquals(current, updated)) throw new InvalidOperationException($"{type.Kind} changed in place: reconcilers must write a copy (lists serialize stored objects outside the lock).");
        if (JsonNode.DeepEquals(current, updated)) return false;
        cluster.Kube.Put(type, updated);
        manager.CountWrite();
        return true;
    }
}

/// <summary>
/// Runs a cluster's reconcilers: once at start, again whenever a watched type is written (synchronously, inside the
/// write, so a client that reads after its PATCH/DELETE already sees the controllers' reaction), and on a timer for
/// reconcilers with a <see cref="IReconciler.Period"/>. Writes made by reconcilers trigger the others in turn until
/// nothing changes (a guard stops controllers that never settle).
/// </summary>
internal sealed class ControllerManager : IDisposable
{
    private readonly Cluster _cluster;
    private readonly ReconcileContext _ctx;
    private readonly List<IReconciler> _reconcilers;
    private readonly Queue<IReconciler> _queue = new();
    private readonly HashSet<IReconciler> _queued = new();
    private readonly Dictionary<IReconciler, DateTimeOffset> _lastRun = new();
    private bool _draining;
    private Timer? _timer;
    private long _writes;
    private long _runs;

    public Func<DateTimeOffset> Clock = () => DateTimeOffset.UtcNow;

    public ControllerManager(World world, Cluster cluster, IEnumerable<IReconciler> reconcilers)
    {
        _cluster = cluster;
        _reconcilers = reconcilers.ToList();
        _ctx = new ReconcileContext(world, cluster, this);
    }

    /// <summary>The reconcilers every cluster runs, in the order they are first run.</summary>
    public static ControllerManager Default(World world, Cluster cluster) =>
        Default(world, cluster, new NodePool.Counter());

    private static ControllerManager Default(World world, Cluster cluster, NodePool.Counter counter) =>
        Default(world, cluster, counter, new NodeClaim.Lifecycle(counter));

    private static ControllerManager Default(World world, Cluster cluster, NodePool.Counter counter, NodeClaim.Lifecycle lifecycle) =>
        new(world, cluster, [counter, new NodeClaim.Termination(), lifecycle, new NodePool.StaticProvisioning(lifecycle), new NodePool.StaticDeprovisioning(),
            new Workloads.Pods(), new Workloads.DisruptionBudgets()]);

    public IReadOnlyList<IReconciler> Reconcilers => _reconcilers;

    /// <summary>Objects written by reconcilers since start (the start-up pass included).</summary>
    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>Reconcile runs since start.</summary>
    public long Runs => Interlocked.Read(ref _runs);

    internal void CountWrite() => Interlocked.Increment(ref _writes);

    public void Start()
    {
        lock (_cluster.Kube.Sync)
        {
            _cluster.Kube.Changed = OnChanged;
            foreach (var r in _reconcilers) Enqueue(r);
            Drain();
        }
        var periods = _reconcilers.Where(r => r.Period != null).Select(r => r.Period!.Value).ToList();
        if (periods.Count > 0)
        {
            var tick = TimeSpan.FromMilliseconds(Math.Max(100, periods.Min().TotalMilliseconds / 2));
            _timer = new Timer(_ => Tick(), null, tick, tick);
        }
    }

    /// <summary>Runs every reconciler now (tests; also what the timer does for the periodic ones when they are due).</summary>
    public void ReconcileAll()
    {
        lock (_cluster.Kube.Sync)
        {
            foreach (var r in _reconcilers) Enqueue(r);
            Drain();
        }
    }

    private void Tick()
    {
        lock (_cluster.Kube.Sync)
        {
            var now = Clock();
            foreach (var r in _reconcilers)
                if (r.Period is { } p && (!_lastRun.TryGetValue(r, out var last) || now - last >= p)) Enqueue(r);
            Drain();
        }
    }

    private void OnChanged(ResourceType type)
    {
        foreach (var r in _reconcilers)
            if (r.Watches(type)) Enqueue(r);
        if (!_draining) Drain();
    }

    private void Enqueue(IReconciler r)
    {
        if (_queued.Add(r)) _queue.Enqueue(r);
    }

    private void Drain()
    {
        _draining = true;
        try
        {
            var guard = 0;
            while (_queue.TryDequeue(out var r))
            {
                _queued.Remove(r);
                if (++guard > 100 * Math.Max(1, _reconcilers.Count))
                    throw new InvalidOperationException($"Sandbox controllers of cluster '{_cluster.Name}' do not settle (last: {r.Name}).");
                _lastRun[r] = Clock();
                Interlocked.Increment(ref _runs);
                r.Reconcile(_ctx);
            }
        }
        finally
        {
            _queue.Clear();
            _queued.Clear();
            _draining = false;
        }
    }

    public void Dispose()
    {
        _timer?.Dispose();
        _timer = null;
        lock (_cluster.Kube.Sync) _cluster.Kube.Changed = null;
    }
}
