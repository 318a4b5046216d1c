using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EksAutoMode.Sandbox.Core;

namespace EksAutoMode.Sandbox.Kube;

/// <summary>Objects computed on demand by index (the scale generator): sorted by key, never all in memory.</summary>
internal interface IVirtualSource
{
    int Count { get; }
    string KeyAt(int index);
    JsonObject Create(int index);
}

/// <summary>
/// Generated nodes whose NodeClaims share their index (node i ↔ claim i): lets controllers account for thousands of
/// pairs from a cheap per-index summary instead of building every object.
/// </summary>
internal interface IVirtualFleet
{
    int Count { get; }
    string ClaimKey(int index);
    /// <summary>What node i with its claim adds to its pool, exactly as the objects would give it.</summary>
    (string Pool, IReadOnlyDictionary<string, Core.Quantity> Capacity) Usage(int index);
}

internal sealed class Collection(ResourceType type)
{
    public ResourceType Type { get; } = type;
    public readonly SortedDictionary<string, JsonObject> Items = new(StringComparer.Ordinal);
    public IVirtualSource? Virtual;
    public readonly HashSet<string> Tombstones = new(StringComparer.Ordinal);

    public static string KeyOf(string? ns, string name) => string.IsNullOrEmpty(ns) ? name : $"{ns}/{name}";

    /// <summary>How many objects sort after <paramref name="afterKey"/> (for remainingItemCount).</summary>
    public long RemainingAfter(string afterKey, string? ns, KeyValuePair<string, JsonObject>[] snapshot)
    {
        var prefix = ns == null ? null : ns + "/";
        long n = snapshot.LongCount(kv => string.CompareOrdinal(kv.Key, afterKey) > 0 && (prefix == null || kv.Key.StartsWith(prefix, StringComparison.Ordinal)) && VirtualIndex(kv.Key) < 0);
        if (Virtual != null && ns == null) n += Virtual.Count - VirtualFirstAfter(afterKey) - Tombstones.Count(t => string.CompareOrdinal(t, afterKey) > 0);
        return n;
    }

    public int VirtualIndex(string key)
    {
        if (Virtual == null) return -1;
        int lo = 0, hi = Virtual.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var c = string.CompareOrdinal(Virtual.KeyAt(mid), key);
            if (c == 0) return mid;
            if (c < 0) lo = mid + 1; else hi = mid - 1;
        }
        return -1;
    }

    private int VirtualFirstAfter(string? key)
    {
        if (Virtual == null) return 0;
        if (key == null) return 0;
        int lo = 0, hi = Virtual.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (string.CompareOrdinal(Virtual.KeyAt(mid), key) <= 0) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    public JsonObject? Get(string key)
    {
        if (Items.TryGetValue(key, out var o)) return o;
        if (Tombstones.Contains(key)) return null;
        var i = VirtualIndex(key);
        return i >= 0 ? Virtual!.Create(i) : null;
    }

    /// <summary>Objects with key &gt; afterKey, in key order, optionally within one namespace. Caller holds a snapshot.</summary>
    public IEnumerable<(string Key, JsonObject Obj)> Enumerate(string? afterKey, string? ns, KeyValuePair<string, JsonObject>[] snapshot, HashSet<string> tombstones)
    {
        var prefix = ns == null ? null : ns + "/";
        var s = 0;
        while (s < snapshot.Length && (afterKey != null && string.CompareOrdinal(snapshot[s].Key, afterKey) <= 0 || prefix != null && string.CompareOrdinal(snapshot[s].Key, prefix) < 0)) s++;
        var v = VirtualFirstAfter(afterKey);
        var vc = Virtual?.Count ?? 0;
        while (true)
        {
            string? sk = s < snapshot.Length ? snapshot[s].Key : null;
            string? vk = v < vc ? Virtual!.KeyAt(v) : null;
            if (sk != null && prefix != null && !sk.StartsWith(prefix, StringComparison.Ordinal)) sk = null;
            if (vk != null && prefix != null && !vk.StartsWith(prefix, StringComparison.Ordinal)) { if (string.CompareOrdinal(vk, prefix) > 0) vk = null; else { v++; continue; } }
            if (sk == null && vk == null) yield break;
            var cmp = sk == null ? 1 : vk == null ? -1 : string.CompareOrdinal(sk, vk);
            if (cmp <= 0)
            {
                yield return (sk!, snapshot[s].Value);
                s++;
                if (cmp == 0) v++;
            }
            else
            {
                if (!tombstones.Contains(vk!)) yield return (vk!, Virtual!.Create(v));
                v++;
            }
        }
    }
}

/// <summary>One cluster's objects plus its resourceVersion clock.</summary>
internal sealed class KubeStore
{
    public readonly object Sync = new();
    public readonly Dictionary<ResourceType, Collection> Collections = new();
    public readonly List<ResourceType> Types = new();
    public long ResourceVersion = 1000;
    public long CompactedRevision = 0;
    public DateTimeOffset LastCompaction = DateTimeOffset.UtcNow;
    public static readonly TimeSpan CompactionInterval = TimeSpan.FromMinutes(5);

    public KubeStore(IEnumerable<ResourceType> types)
    {
        foreach (var t in types) { Types.Add(t); Collections[t] = new Collection(t); }
    }

    public ResourceType? Find(string group, string version, string plural) =>
        Types.FirstOrDefault(t => t.Group == group && t.Version == version && t.Plural == plural);

    public ResourceType? FindKind(string apiVersion, string kind)
    {
        var (g, v) = apiVersion.Contains('/') ? (apiVersion[..apiVersion.IndexOf('/')], apiVersion[(apiVersion.IndexOf('/') + 1)..]) : ("", apiVersion);
        return Types.FirstOrDefault(t => t.Group == g && t.Version == v && t.Kind == kind);
    }

    public long NextRv() => Interlocked.Increment(ref ResourceVersion);

    /// <summary>Called (under <see cref="Sync"/>) after every write through <see cref="Put"/> / <see cref="Remove"/>: the controller manager's hook.</summary>
    public Action<ResourceType>? Changed;

    /// <summary>Stores a changed object with a new resourceVersion and notifies the controllers. Caller holds <see cref="Sync"/>.</summary>
    public void Put(ResourceType t, JsonObject obj)
    {
        var meta = obj.EnsureObj("metadata");
        meta["resourceVersion"] = NextRv().ToString(System.Globalization.CultureInfo.InvariantCulture);
        Collections[t].Items[Collection.KeyOf(meta.Str("namespace"), meta.Str("name")!)] = obj;
        Changed?.Invoke(t);
    }

    /// <summary>Deletes an object (a generated one leaves a tombstone) and notifies the controllers. Caller holds <see cref="Sync"/>.</summary>
    public void Remove(ResourceType t, string key)
    {
        var col = Collections[t];
        col.Items.Remove(key);
        if (col.VirtualIndex(key) >= 0) col.Tombstones.Add(key);
        NextRv();
        Changed?.Invoke(t);
    }

    public void Add(JsonObject obj)
    {
        var t = FindKind(obj.Str("apiVersion") ?? "", obj.Str("kind") ?? "")
            ?? throw new InvalidOperationException($"Scenario object of kind {obj.Str("apiVersion")}/{obj.Str("kind")} has no served resource type (add its CRD set to the cluster's crdSets).");
        var meta = obj.EnsureObj("metadata");
        var name = meta.Str("name") ?? throw new InvalidOperationException($"Scenario {t.Kind} without metadata.name.");
        if (t.Namespaced && meta.Str("namespace") == null) meta["namespace"] = "default";
        if (!t.Namespaced) meta.Remove("namespace");
        var ns = meta.Str("namespace");
        meta["uid"] ??= Ids.Uid($"{t.FullName}/{ns}/{name}");
        meta["resourceVersion"] = NextRv().ToString(System.Globalization.CultureInfo.InvariantCulture);
        meta["creationTimestamp"] ??= J.Iso(DateTimeOffset.UtcNow.AddDays(-30));
        if (t.BuiltIn == false || obj["spec"] != null) meta["generation"] ??= 1;
        Collections[t].Items[Collection.KeyOf(ns, name)] = obj;
    }

    /// <summary>Compacts history: every continue token issued before now becomes expired (410).</summary>
    public void Compact()
    {
        lock (Sync)
        {
            NextRv();
            CompactedRevision = ResourceVersion;
            LastCompaction = DateTimeOffset.UtcNow;
        }
    }

    public void MaybeAutoCompact()
    {
        if (DateTimeOffset.UtcNow - LastCompaction > CompactionInterval)
        {
            lock (Sync)
            {
                CompactedRevision = ResourceVersion;
                LastCompaction = DateTimeOffset.UtcNow;
            }
        }
    }
}

/// <summary>Continue tokens in the apiserver's own format: base64(JSON {"v":"meta.k8s.io/v1","rv":N,"start":"key\u0000"}).</summary>
internal static class ContinueToken
{
    public static string Encode(long rv, string lastKey)
    {
        var json = JsonSerializer.Serialize(new Dictionary<string, object> { ["v"] = "meta.k8s.io/v1", ["rv"] = rv, ["start"] = lastKey + "\u0000" });
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).Replace('+', '-').Replace('/', '_').TrimEnd('=');
    }

    public static bool TryDecode(string token, out long rv, out string afterKey)
    {
        rv = 0;
        afterKey = "";
        try
        {
            var b64 = token.Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=');
            var node = JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(b64)));
            if (node.Str("v") != "meta.k8s.io/v1") return false;
            rv = node.Long("rv") ?? 0;
            var start = node.Str("start") ?? "";
            if (rv <= 0 || start.Length == 0) return false;
            afterKey = start.TrimEnd('\u0000');
            return true;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return false;
        }
    }
}

internal static class Ids
{
    public static string Uid(string seed)
    {
        var h = System.Security.Cryptography.MD5.HashData(Encoding.UTF8.GetBytes(seed));
        h[6] = (byte)(h[6] & 0x0f | 0x40);
        h[8] = (byte)(h[8] & 0x3f | 0x80);
        var hex = Convert.ToHexStringLower(h);
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
    }

    public static string Hex(string seed, int length)
    {
        var sb = new StringBuilder();
        var i = 0;
        while (sb.Length < length) sb.Append(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(seed + "#" + i++))));
        return sb.ToString(0, length);
    }

    /// <summary>Five lowercase consonant/digit characters as Kubernetes generateName suffixes use.</summary>
    public static string Suffix(string seed)
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        var h = System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(seed));
        return new string(h.Take(5).Select(b => alphabet[b % alphabet.Length]).ToArray());
    }
}
