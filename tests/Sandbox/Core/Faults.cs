using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace EksAutoMode.Sandbox.Core;

internal enum FaultKind { None, Throttle, Error500, Error503, Latency, Reset, Truncate, WrongShape, Huge }

internal sealed record FaultRule(string Operation, FaultKind Kind, int LatencyMs, double Probability, int FirstN, int Skip);

internal sealed record FaultDecision(FaultKind Kind, int LatencyMs, int Megabytes = 0);

/// <summary>
/// Fault injection, deterministic by seed: rule syntax "op=kind[:ms][@probability][#firstN][+skip]" separated by ';'.
/// op is an operation name with '*' wildcards ("eks:DescribeCluster", "ec2:*", "k8s:list:nodes").
/// kinds: throttle, 500, 503, latency:MS, reset, truncate, wrongshape (a successful answer whose top-level values have
/// the wrong JSON type, or an unrelated XML document), huge:MB (the answer padded with white space to MB megabytes). "#3" = only the first 3 calls, "+2" = start after 2 calls,
/// "@0.25" = each call with probability 0.25, decided by hash(seed, operation, call number) so runs repeat exactly.
/// </summary>
internal sealed class Faults
{
    private readonly List<FaultRule> _rules = new();
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _injected = new(StringComparer.Ordinal);
    private readonly object _sync = new();
    public int Seed { get; }

    public Faults(int seed, string? spec)
    {
        Seed = seed;
        if (!string.IsNullOrWhiteSpace(spec)) Set(spec);
    }

    public string Spec { get; private set; } = "";

    public void Set(string spec)
    {
        var rules = Parse(spec);
        lock (_sync)
        {
            _rules.Clear();
            _rules.AddRange(rules);
            Spec = spec;
        }
    }

    public IReadOnlyDictionary<string, int> Injected => _injected;

    public static List<FaultRule> Parse(string spec)
    {
        var list = new List<FaultRule>();
        foreach (var raw in spec.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = raw.LastIndexOf('=');
            if (eq <= 0) throw new FormatException($"Fault rule '{raw}' must look like 'operation=kind'.");
            var op = raw[..eq].Trim();
            var rest = raw[(eq + 1)..].Trim();
            var p = 1.0;
            int first = 0, skip = 0;
            var m = System.Text.RegularExpressions.Regex.Match(rest, @"^(?<kind>[a-z0-9]+)(:(?<ms>\d+)(ms)?)?(@(?<p>[0-9.]+))?(#(?<n>\d+))?(\+(?<s>\d+))?$", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
            if (!m.Success) throw new FormatException($"Fault rule '{raw}': '{rest}' is not kind[:ms][@probability][#firstN][+skip].");
            var kind = m.Groups["kind"].Value.ToLowerInvariant() switch
            {
                "throttle" or "throttling" or "429" => FaultKind.Throttle,
                "500" or "error" or "internal" => FaultKind.Error500,
                "503" or "unavailable" => FaultKind.Error503,
                "latency" or "delay" => FaultKind.Latency,
                "reset" or "connectionreset" => FaultKind.Reset,
                "truncate" or "truncated" => FaultKind.Truncate,
                "wrongshape" => FaultKind.WrongShape,
                "huge" => FaultKind.Huge,
                var k => throw new FormatException($"Fault rule '{raw}': unknown kind '{k}' (throttle, 500, 503, latency:MS, reset, truncate, wrongshape, huge:MB)."),
            };
            var ms = m.Groups["ms"].Success ? int.Parse(m.Groups["ms"].Value, CultureInfo.InvariantCulture) : 0;
            if (kind == FaultKind.Huge && ms is 0 or > 1024) throw new FormatException($"Fault rule '{raw}': huge needs a size in MB between 1 and 1024, e.g. huge:20.");
            if (kind == FaultKind.Latency && ms == 0) throw new FormatException($"Fault rule '{raw}': latency needs milliseconds, e.g. latency:250.");
            if (m.Groups["p"].Success) p = double.Parse(m.Groups["p"].Value, CultureInfo.InvariantCulture);
            if (m.Groups["n"].Success) first = int.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture);
            if (m.Groups["s"].Success) skip = int.Parse(m.Groups["s"].Value, CultureInfo.InvariantCulture);
            if (p is < 0 or > 1) throw new FormatException($"Fault rule '{raw}': probability must be between 0 and 1.");
            list.Add(new FaultRule(op, kind, ms, p, first, skip));
        }
        return list;
    }

    /// <summary>Call once per request: advances the operation's call counter and decides its fault.</summary>
    public FaultDecision Decide(string operation)
    {
        var n = _counts.AddOrUpdate(operation, 1, (_, v) => v + 1);
        FaultRule[] rules;
        lock (_sync) rules = _rules.ToArray();
        var latency = 0;
        var megabytes = 0;
        var kind = FaultKind.None;
        foreach (var r in rules)
        {
            if (!Glob.Match(r.Operation, operation)) continue;
            if (n <= r.Skip) continue;
            if (r.FirstN > 0 && n > r.Skip + r.FirstN) continue;
            if (r.Probability < 1.0 && Roll(operation, n, r) >= r.Probability) continue;
            if (r.Kind == FaultKind.Latency) latency += r.LatencyMs;
            else if (kind == FaultKind.None)
            {
                kind = r.Kind;
                if (r.Kind == FaultKind.Huge) megabytes = r.LatencyMs;
            }
        }
        if (kind != FaultKind.None) _injected.AddOrUpdate($"{operation}={kind}", 1, (_, v) => v + 1);
        if (latency > 0) _injected.AddOrUpdate($"{operation}=Latency", 1, (_, v) => v + 1);
        return new FaultDecision(kind, latency, megabytes);
    }

    /// <summary>
    /// The body a successful answer is replaced with under wrongshape / huge. wrongshape keeps a JSON object's
    /// top-level names but turns each value into a value of another type (objects and arrays become strings,
    /// strings become numbers), so clients that trust the shape fail; XML becomes an unrelated document.
    /// huge pads the body with trailing white space (still valid JSON/XML) to the requested size.
    /// </summary>
    public static byte[] Mangle(FaultDecision fault, byte[] body, string contentType)
    {
        if (fault.Kind == FaultKind.Huge)
        {
            var padded = new byte[Math.Max(body.Length, fault.Megabytes * 1024 * 1024)];
            body.CopyTo(padded, 0);
            padded.AsSpan(body.Length).Fill((byte)' ');
            return padded;
        }

        if (fault.Kind != FaultKind.WrongShape) return body;
        if (!contentType.Contains("json", StringComparison.OrdinalIgnoreCase))
            return Encoding.UTF8.GetBytes("<?xml version=\"1.0\"?><Unexpected><Value>42</Value></Unexpected>");
        System.Text.Json.Nodes.JsonNode? node;
        try { node = System.Text.Json.Nodes.JsonNode.Parse(body); }
        catch (System.Text.Json.JsonException) { node = null; }
        if (node is not System.Text.Json.Nodes.JsonObject obj || obj.Count == 0) return Encoding.UTF8.GetBytes("[\"unexpected\"]");
        var mangled = new System.Text.Json.Nodes.JsonObject();
        foreach (var (name, value) in obj)
        {
            mangled[name] = value switch
            {
                System.Text.Json.Nodes.JsonObject or System.Text.Json.Nodes.JsonArray => "unexpected",
                System.Text.Json.Nodes.JsonValue v when v.TryGetValue(out string? _) => 42,
                _ => new System.Text.Json.Nodes.JsonArray(),
            };
        }
        return Encoding.UTF8.GetBytes(mangled.ToJsonString());
    }

    private double Roll(string operation, int n, FaultRule r)
    {
        var h = SHA256.HashData(Encoding.UTF8.GetBytes($"{Seed}|{operation}|{n}|{r.Kind}"));
        return BitConverter.ToUInt32(h, 0) / 4294967296.0;
    }

    public void ResetCounters()
    {
        _counts.Clear();
        _injected.Clear();
    }
}

/// <summary>Request counts per operation, for the admin endpoint.</summary>
internal sealed class RequestCounter
{
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
    public void Add(string operation) => _counts.AddOrUpdate(operation, 1, (_, v) => v + 1);
    public IReadOnlyDictionary<string, long> Snapshot() => new SortedDictionary<string, long>(_counts, StringComparer.Ordinal);
    public void Reset() => _counts.Clear();
}
