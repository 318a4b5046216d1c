using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EksAutoMode.Sandbox.Core;
using Microsoft.AspNetCore.Http;

namespace EksAutoMode.Sandbox.Kube;

/// <summary>POST (create), the pods/eviction subresource and watch streams.</summary>
internal sealed partial class KubeApi
{
    /// <summary>How often an idle watch with allowWatchBookmarks=true gets a BOOKMARK.</summary>
    internal static TimeSpan BookmarkInterval = TimeSpan.FromSeconds(5);

    private async Task Create(HttpContext ctx, Cluster c, RouteInfo r, bool truncate)
    {
        var type = r.Type!;
        var ct = (ctx.Request.ContentType ?? "").Split(';')[0].Trim();
        if (ct is not ("application/json" or ""))
            throw new KubeError(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json");
        JsonObject obj;
        try
        {
            using var sr = new StreamReader(ctx.Request.Body);
            obj = JsonNode.Parse(await sr.ReadToEndAsync(ctx.RequestAborted)) as JsonObject ?? throw new KubeError(400, "BadRequest", "the body of the request is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new KubeError(400, "BadRequest", $"error decoding body: {e.Message}");
        }
        obj["apiVersion"] ??= type.GroupVersion;
        obj["kind"] ??= type.Kind;
        if (obj.Str("apiVersion") != type.GroupVersion || obj.Str("kind") != type.Kind)
            throw new KubeError(400, "BadRequest", $"the API version in the data ({obj.Str("apiVersion")}) does not match the expected API version ({type.GroupVersion})");
        var meta = obj.EnsureObj("metadata");
        if (type.Namespaced)
        {
            var bodyNs = meta.Str("namespace");
            if (bodyNs != null && bodyNs != r.Namespace)
                throw new KubeError(400, "BadRequest", "the namespace of the provided object does not match the namespace sent on the request");
            meta["namespace"] = r.Namespace ?? throw new KubeError(404, "NotFound", "the server could not find the requested resource", new JsonObject());
        }
        else meta.Remove("namespace");
        var dryRun = ctx.Request.Query["dryRun"] == "All";
        JsonObject created;
        lock (c.Kube.Sync)
        {
            var name = meta.Str("name");
            if (string.IsNullOrEmpty(name) && meta.Str("generateName") is { Length: > 0 } gen)
                name = gen + Ids.Suffix($"{gen}{c.Kube.ResourceVersion}{Guid.NewGuid()}");
            if (string.IsNullOrEmpty(name))
                throw new KubeError(422, "Invalid", $"{type.Kind} \"\" is invalid: metadata.name: Required value: name or generateName is required",
                    new JsonObject { ["group"] = type.Group, ["kind"] = type.Kind, ["causes"] = new JsonArray(new JsonObject { ["reason"] = "FieldValueRequired", ["message"] = "Required value: name or generateName is required", ["field"] = "metadata.name" }) });
            meta["name"] = name;
            var key = Collection.KeyOf(r.Namespace, name);
            if (c.Kube.Collections[type].Get(key) != null)
                throw new KubeError(409, "AlreadyExists", $"{type.FullName} \"{name}\" already exists", new JsonObject { ["name"] = name, ["group"] = type.Group, ["kind"] = type.Plural });
            meta["uid"] = Guid.NewGuid().ToString();
            meta["creationTimestamp"] = J.Iso(DateTimeOffset.UtcNow);
            meta.Remove("deletionTimestamp");
            meta.Remove("resourceVersion");
            if (!type.BuiltIn || obj["spec"] != null) meta["generation"] = 1;
            if (type.Plural == "pods" && obj["status"]?["phase"] == null)
                obj["status"] = new JsonObject { ["phase"] = "Pending", ["qosClass"] = "BestEffort" };
            Admission.Validate(type, null, obj);
            created = dryRun ? obj : c.Kube.Put(type, obj);
        }
        await WriteJson(ctx, 201, created, truncate);
    }

    /// <summary>kubectl sends dryRun in the DeleteOptions body (<c>{"dryRun":["All"]}</c>), not in the query.</summary>
    private static async Task<bool> DeleteOptionsDryRun(HttpContext ctx)
    {
        using var sr = new StreamReader(ctx.Request.Body);
        var body = await sr.ReadToEndAsync(ctx.RequestAborted);
        if (body.Trim().Length == 0) return false;
        try
        {
            return JsonNode.Parse(body)?["dryRun"] is JsonArray a && a.Any(x => x?.ToString() == "All");
        }
        catch (JsonException e)
        {
            throw new KubeError(400, "BadRequest", $"error decoding DeleteOptions: {e.Message}");
        }
    }

    private async Task Evict(HttpContext ctx, Cluster c, RouteInfo r, bool truncate)
    {
        var dryRun = ctx.Request.Query["dryRun"] == "All";
        string body;
        using (var sr = new StreamReader(ctx.Request.Body)) body = await sr.ReadToEndAsync(ctx.RequestAborted);
        if (body.Trim().Length > 0)
        {
            JsonNode? eviction;
            try { eviction = JsonNode.Parse(body); }
            catch (JsonException e) { throw new KubeError(400, "BadRequest", $"error decoding body: {e.Message}"); }
            if (eviction?["metadata"].Str("name") is { } en && en != r.Name)
                throw new KubeError(400, "BadRequest", $"name in URL does not match name in Eviction object");
            if (eviction?["deleteOptions"]?["dryRun"] is JsonArray { Count: > 0 }) dryRun = true;
        }
        lock (c.Kube.Sync)
        {
            var pod = Fetch(c, r);
            if (dryRun)
            {
                // Check the budgets only: evict a clone in a throwaway decision.
                var budgets = Disruption.BudgetsFor(c.Kube, pod);
                if (budgets.Count == 1 && Disruption.Healthy(pod) && Disruption.Compute(budgets[0], Disruption.PodsIn(c.Kube, r.Namespace)).Allowed <= 0)
                    throw new KubeError(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.");
            }
            else Disruption.Evict(c.Kube, pod, DateTimeOffset.UtcNow);
        }
        await WriteJson(ctx, 201, new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Success", ["code"] = 201 }, truncate);
    }

    /// <summary>
    /// A watch: newline-delimited JSON events {"type","object"} from resourceVersion (or, without one, ADDED for every
    /// current object first), BOOKMARKs when asked, ERROR 410 Expired for a resourceVersion older than the history kept.
    /// Ends after timeoutSeconds or when the client goes away.
    /// </summary>
    private async Task Watch(HttpContext ctx, Cluster c, RouteInfo r)
    {
        var q = ctx.Request.Query;
        var store = c.Kube;
        var type = r.Type!;
        var labels = LabelSelector.Parse(q["labelSelector"]);
        var fields = FieldSelector.Parse(q["fieldSelector"], type);
        var table = WantsTable(ctx);
        var bookmarks = q["allowWatchBookmarks"] == "true";
        TimeSpan? timeout = q["timeoutSeconds"].ToString() is { Length: > 0 } ts && int.TryParse(ts, CultureInfo.InvariantCulture, out var secs) && secs > 0 ? TimeSpan.FromSeconds(secs) : null;
        var rvText = q["resourceVersion"].ToString();
        long from;
        List<JsonObject>? initial = null;
        var col = store.Collections[type];
        lock (store.Sync)
        {
            if (rvText is "" or "0")
            {
                from = store.ResourceVersion;
                initial = col.Enumerate(null, r.Namespace, col.Items.ToArray(), col.Tombstones).Select(x => x.Obj).ToList();
            }
            else if (!long.TryParse(rvText, CultureInfo.InvariantCulture, out from))
                throw new KubeError(400, "BadRequest", $"invalid resource version \"{rvText}\"");
        }
        var res = ctx.Response;
        res.StatusCode = 200;
        res.ContentType = "application/json";
        var ct = ctx.RequestAborted;
        var deadline = timeout is { } t ? DateTimeOffset.UtcNow + t : DateTimeOffset.MaxValue;

        bool Wanted(JsonObject o) => (r.Namespace == null || o["metadata"].Str("namespace") == r.Namespace) && (labels.Empty || labels.Matches(o)) && (fields.Empty || fields.Matches(o));

        async Task Send(string evType, JsonObject obj)
        {
            using var ms = new MemoryStream();
            await using (var wr = new Utf8JsonWriter(ms))
            {
                wr.WriteStartObject();
                wr.WriteString("type", evType);
                wr.WritePropertyName("object");
                if (table && evType != "ERROR" && evType != "BOOKMARK")
                {
                    wr.WriteStartObject();
                    wr.WriteString("kind", "Table");
                    wr.WriteString("apiVersion", "meta.k8s.io/v1");
                    wr.WritePropertyName("metadata");
                    wr.WriteStartObject();
                    wr.WriteString("resourceVersion", obj["metadata"].Str("resourceVersion"));
                    wr.WriteEndObject();
                    Tables.WriteColumns(wr, type);
                    wr.WritePropertyName("rows");
                    wr.WriteStartArray();
                    Tables.WriteRow(wr, type, obj, w.Now, q["includeObject"]);
                    wr.WriteEndArray();
                    wr.WriteEndObject();
                }
                else obj.WriteTo(wr);
                wr.WriteEndObject();
            }
            ms.WriteByte((byte)'\n');
            await res.Body.WriteAsync(ms.ToArray(), ct);
        }

        await res.StartAsync(ct);
        if (initial == null && from < store.HistoryFloor)
        {
            await Send("ERROR", Status(410, "Expired", $"too old resource version: {from} ({store.HistoryFloor})", null));
            return;
        }
        if (initial != null)
            foreach (var o in initial.Where(Wanted)) await Send("ADDED", WithKind(type, o));
        await res.Body.FlushAsync(ct);
        var last = from;
        while (!ct.IsCancellationRequested)
        {
            List<WatchEvent> events;
            Task next;
            lock (store.Sync)
            {
                (events, next) = store.Since(type, last);
                last = store.ResourceVersion;
            }
            foreach (var e in events)
                if (Wanted(e.Obj)) await Send(e.EventType, WithKind(type, e.Obj));
            if (events.Count > 0) await res.Body.FlushAsync(ct);
            var remaining = deadline - DateTimeOffset.UtcNow;
            if (remaining <= TimeSpan.Zero) return;
            var wait = bookmarks && remaining > BookmarkInterval ? BookmarkInterval : remaining;
            var delay = Task.Delay(wait > TimeSpan.FromDays(1) ? TimeSpan.FromDays(1) : wait, ct);
            var done = await Task.WhenAny(next, delay);
            if (ct.IsCancellationRequested) return;
            if (done == delay && bookmarks && DateTimeOffset.UtcNow < deadline)
            {
                await Send("BOOKMARK", new JsonObject
                {
                    ["kind"] = type.Kind,
                    ["apiVersion"] = type.GroupVersion,
                    ["metadata"] = new JsonObject { ["resourceVersion"] = last.ToString(CultureInfo.InvariantCulture), ["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" } },
                });
                await res.Body.FlushAsync(ct);
            }
        }
    }

    /// <summary>Watch events carry kind/apiVersion even for built-in types.</summary>
    private static JsonObject WithKind(ResourceType type, JsonObject o)
    {
        if (o["kind"] != null && o["apiVersion"] != null) return o;
        var copy = new JsonObject { ["kind"] = type.Kind, ["apiVersion"] = type.GroupVersion };
        foreach (var (k, v) in o) if (k is not ("kind" or "apiVersion")) copy[k] = v?.DeepClone();
        return copy;
    }
}

/// <summary>
/// A minimal OpenAPI v3 index: one document per group-version whose PATCH operations declare the
/// <c>fieldValidation</c> query parameter, so kubectl (create/apply --validate) leaves validation to the server
/// instead of downloading the full schema. Schemas themselves are not served.
/// </summary>
internal static class OpenApi
{
    public static JsonObject Document(Cluster c, string? gvPath)
    {
        var groups = c.Kube.Types.GroupBy(t => t.GroupVersion).ToList();
        static string PathOf(string gv) => gv.Contains('/') ? "apis/" + gv : "api/" + gv;
        if (gvPath == null)
        {
            var paths = new JsonObject();
            foreach (var g in groups)
                paths[PathOf(g.Key)] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{PathOf(g.Key)}?hash={Ids.Hex(g.Key, 32).ToUpperInvariant()}" };
            return new JsonObject { ["paths"] = paths };
        }
        var gvTypes = groups.FirstOrDefault(g => PathOf(g.Key) == gvPath) ?? throw new KubeError(404, "NotFound", "the server could not find the requested resource", new JsonObject());
        var ops = new JsonObject();
        foreach (var t in gvTypes)
        {
            var basePath = "/" + PathOf(t.GroupVersion) + (t.Namespaced ? "/namespaces/{namespace}/" : "/") + t.Plural;
            JsonObject Op(string action) => new()
            {
                ["operationId"] = action + t.Kind,
                ["parameters"] = new JsonArray(new JsonObject { ["name"] = "fieldValidation", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true } },
                    new JsonObject { ["name"] = "dryRun", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true } }),
                ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK" } },
                ["x-kubernetes-action"] = action,
                ["x-kubernetes-group-version-kind"] = new JsonObject { ["group"] = t.Group, ["version"] = t.Version, ["kind"] = t.Kind },
            };
            ops[basePath] = new JsonObject { ["post"] = Op("post") };
            ops[basePath + "/{name}"] = new JsonObject { ["patch"] = Op("patch") };
        }
        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = $"v{c.Version}.9" },
            ["paths"] = ops,
        };
    }
}
