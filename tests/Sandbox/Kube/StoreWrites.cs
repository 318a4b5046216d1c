using System.Globalization;
using System.Text.Json.Nodes;
using EksAutoMode.Sandbox.Core;

namespace EksAutoMode.Sandbox.Kube;

/// <summary>One change as a watch sees it: ADDED / MODIFIED / DELETED with the object at that resourceVersion.</summary>
internal sealed record WatchEvent(long Rv, ResourceType Type, string Key, string EventType, JsonObject Obj);

/// <summary>
/// Writes after start-up go through here (API server, controllers), so every change gets a new resourceVersion and
/// a watch event. Callers hold <see cref="KubeStore.Sync"/>. History is bounded like the API server's watch cache:
/// a watch from a resourceVersion older than the oldest retained event gets 410 Expired.
/// </summary>
internal sealed partial class KubeStore
{
    private const int MaxHistory = 20_000;
    private readonly LinkedList<WatchEvent> _history = new();
    private long _historyFloor = -1;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The oldest resourceVersion a watch may start from (the store's version when serving began, or later once history is trimmed).</summary>
    public long HistoryFloor => _historyFloor < 0 ? ResourceVersion : _historyFloor;

    /// <summary>Marks the end of scenario loading: history starts here.</summary>
    public void StartHistory()
    {
        lock (Sync) if (_historyFloor < 0) _historyFloor = ResourceVersion;
    }

    /// <summary>Creates or replaces an object (new resourceVersion, ADDED or MODIFIED event). Returns the stored object.</summary>
    public JsonObject Put(ResourceType type, JsonObject obj)
    {
        var meta = obj.EnsureObj("metadata");
        var key = Collection.KeyOf(type.Namespaced ? meta.Str("namespace") : null, meta.Str("name")!);
        var col = Collections[type];
        var existed = col.Get(key) != null;
        meta["resourceVersion"] = NextRv().ToString(CultureInfo.InvariantCulture);
        col.Items[key] = obj;
        col.Tombstones.Remove(key);
        Record(new WatchEvent(ResourceVersion, type, key, existed ? "MODIFIED" : "ADDED", obj));
        Changed?.Invoke(type);
        return obj;
    }

    /// <summary>Removes an object for good (DELETED event carrying its last state with a new resourceVersion).</summary>
    public void Remove(ResourceType type, string key)
    {
        var col = Collections[type];
        var last = col.Get(key);
        if (last == null) return;
        col.Items.Remove(key);
        if (col.VirtualIndex(key) >= 0) col.Tombstones.Add(key);
        var copy = (JsonObject)last.DeepClone();
        copy.EnsureObj("metadata")["resourceVersion"] = NextRv().ToString(CultureInfo.InvariantCulture);
        Record(new WatchEvent(ResourceVersion, type, key, "DELETED", copy));
        Changed?.Invoke(type);
    }

    /// <summary>
    /// DELETE semantics: an object with finalizers gets metadata.deletionTimestamp (MODIFIED) and stays until its
    /// finalizers are removed; one without is removed. Returns the object as it is after the call (null when gone).
    /// </summary>
    public JsonObject? Delete(ResourceType type, string key, DateTimeOffset now)
    {
        var obj = Collections[type].Get(key);
        if (obj == null) return null;
        var meta = obj.EnsureObj("metadata");
        if (meta["finalizers"] is JsonArray { Count: > 0 })
        {
            if (meta["deletionTimestamp"] != null) return obj;
            var copy = (JsonObject)obj.DeepClone();
            var m = copy.EnsureObj("metadata");
            m["deletionTimestamp"] = J.Iso(now);
            m["deletionGracePeriodSeconds"] = 0;
            return Put(type, copy);
        }
        Remove(type, key);
        return null;
    }

    /// <summary>Removes one finalizer; an object being deleted with no finalizers left disappears.</summary>
    public void RemoveFinalizer(ResourceType type, string key, string finalizer)
    {
        var obj = Collections[type].Get(key);
        if (obj == null) return;
        var copy = (JsonObject)obj.DeepClone();
        var meta = copy.EnsureObj("metadata");
        if (meta["finalizers"] is JsonArray f)
        {
            foreach (var x in f.Where(x => x?.GetValue<string>() == finalizer).ToList()) f.Remove(x);
            if (f.Count == 0) meta.Remove("finalizers");
        }
        if (meta["deletionTimestamp"] != null && meta["finalizers"] == null) Remove(type, key);
        else if (!JsonNode.DeepEquals(obj, copy)) Put(type, copy);
    }

    private void Record(WatchEvent e)
    {
        if (_historyFloor < 0) return; // scenario loading: not history
        _history.AddLast(e);
        while (_history.Count > MaxHistory)
        {
            _historyFloor = _history.First!.Value.Rv;
            _history.RemoveFirst();
        }
        var old = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        old.TrySetResult();
    }

    /// <summary>Events of <paramref name="type"/> after <paramref name="rv"/>, plus a task that completes on the next change. Caller holds Sync.</summary>
    public (List<WatchEvent> Events, Task Next) Since(ResourceType type, long rv)
    {
        var list = new List<WatchEvent>();
        for (var n = _history.Last; n != null && n.Value.Rv > rv; n = n.Previous)
            if (n.Value.Type == type) list.Add(n.Value);
        list.Reverse();
        return (list, _changed.Task);
    }

    /// <summary>A task that completes on the next change to any object of this cluster.</summary>
    public Task NextChange()
    {
        lock (Sync) return _changed.Task;
    }
}
