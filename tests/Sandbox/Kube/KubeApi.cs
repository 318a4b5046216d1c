using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EksAutoMode.Sandbox.Core;
using Microsoft.AspNetCore.Http;

namespace EksAutoMode.Sandbox.Kube;

internal sealed class KubeError(int code, string reason, string message, JsonObject? details = null) : Exception(message)
{
    public int Code { get; } = code;
    public string Reason { get; } = reason;
    public JsonObject? Details { get; } = details;
}

/// <summary>The Kubernetes API of one cluster: discovery, list/get (selectors, chunking), merge-patch and delete.</summary>
internal sealed partial class KubeApi(World w, Faults faults, RequestCounter counter, string? awsHost)
{
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    public async Task Handle(HttpContext ctx, Cluster c)
    {
        var path = ctx.Request.Path.Value ?? "/";
        if (path is "/healthz" or "/livez" or "/readyz")
        {
            await WriteText(ctx, 200, "ok");
            return;
        }
        var (op, route) = Route(c, ctx.Request.Method, path);
        counter.Add(op);
        var fault = faults.Decide(op);
        if (fault.LatencyMs > 0) await Task.Delay(fault.LatencyMs, ctx.RequestAborted);
        if (fault.Kind == FaultKind.Reset)
        {
            ctx.Abort();
            return;
        }
        try
        {
            switch (fault.Kind)
            {
                case FaultKind.Throttle:
                    ctx.Response.Headers["Retry-After"] = "1";
                    throw new KubeError(429, "TooManyRequests", "Too many requests, please try again later.", new JsonObject { ["retryAfterSeconds"] = 1 });
                case FaultKind.Error500:
                    throw new KubeError(500, "InternalError", "Internal error occurred: sandbox fault injection");
                case FaultKind.Error503:
                    throw new KubeError(503, "ServiceUnavailable", "the server is currently unable to handle the request");
            }
            var user = Authenticate(ctx, c);
            if (route.Kind == RouteKind.NotFound)
                throw new KubeError(404, "NotFound", "the server could not find the requested resource", new JsonObject());
            if (route.Type != null) Authorize(user, route, op);
            var truncate = fault.Kind == FaultKind.Truncate;
            switch (route.Kind)
            {
                case RouteKind.OpenApi: await WriteJson(ctx, 200, OpenApi.Document(c, route.Name), truncate); break;
                case RouteKind.Version: await WriteJson(ctx, 200, Version(c), truncate); break;
                case RouteKind.Discovery: await WriteJson(ctx, 200, Discovery(c, route), truncate); break;
                case RouteKind.List: await List(ctx, c, route, truncate); break;
                case RouteKind.Get: await Get(ctx, c, route, truncate); break;
                case RouteKind.Patch: await Patch(ctx, c, route, truncate); break;
                case RouteKind.Delete: await Delete(ctx, c, route, truncate); break;
                case RouteKind.Create: await Create(ctx, c, route, truncate); break;
                case RouteKind.Evict: await Evict(ctx, c, route, truncate); break;
                case RouteKind.Watch: await Watch(ctx, c, route); break;
                default: throw new KubeError(405, "MethodNotAllowed", $"the server does not allow this method on the requested resource");
            }
        }
        catch (KubeError e)
        {
            var details = e.Details;
            await WriteJson(ctx, e.Code, Status(e.Code, e.Reason, e.Message, details), fault.Kind == FaultKind.Truncate);
        }
        catch (SelectorException e)
        {
            await WriteJson(ctx, 400, Status(400, "BadRequest", e.Message, null), false);
        }
    }

    public static JsonObject Status(int code, string reason, string message, JsonObject? details)
    {
        var s = new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Failure", ["message"] = message, ["reason"] = reason };
        if (details != null) s["details"] = details;
        s["code"] = code;
        return s;
    }

    // ---------------- authentication ----------------

    internal sealed record User(string Name, Identity? Identity);

    private User Authenticate(HttpContext ctx, Cluster c)
    {
        var auth = ctx.Request.Headers.Authorization.ToString();
        if (!auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            throw new KubeError(401, "Unauthorized", "Unauthorized");
        var token = auth[7..].Trim();
        if (token.Length > 0 && w.StaticToken.Length > 0 && token == w.StaticToken) return new User("sandbox:static-admin", null);
        var r = VerifyEksToken(token, c.Name, DateTimeOffset.UtcNow, out var why);
        if (r != null) return r;
        Console.Error.WriteLine($"sandbox: Kubernetes 401 for {c.Name} {ctx.Request.Path}: {why}");
        throw new KubeError(401, "Unauthorized", "Unauthorized");
    }

    /// <summary>
    /// Verifies an EKS bearer token "k8s-aws-v1." + base64url(presigned STS GetCallerIdentity URL), as aws-iam-authenticator does:
    /// STS host, Action/Version, SigV4 presigned signature over host and x-k8s-aws-id (= this cluster), issued &lt; 15 minutes ago.
    /// </summary>
    public User? VerifyEksToken(string token, string clusterName, DateTimeOffset now, out string reason)
    {
        reason = "";
        const string prefix = "k8s-aws-v1.";
        if (!token.StartsWith(prefix, StringComparison.Ordinal)) { reason = "token is not static and has no k8s-aws-v1. prefix"; return null; }
        string url;
        try
        {
            var b64 = token[prefix.Length..].Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=');
            url = Encoding.UTF8.GetString(Convert.FromBase64String(b64));
        }
        catch (FormatException) { reason = "token payload is not base64url"; return null; }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) { reason = "token payload is not a URL"; return null; }
        var host = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}";
        var stsHost = System.Text.RegularExpressions.Regex.IsMatch(uri.Host, @"^sts(\.[a-z0-9-]+)?(\.vpce)?\.amazonaws\.com(\.cn)?$") && uri.Scheme == "https";
        if (!stsHost && !string.Equals(host, awsHost, StringComparison.OrdinalIgnoreCase)) { reason = $"unexpected hostname {uri.Host} in pre-signed URL"; return null; }
        if (uri.AbsolutePath != "/") { reason = "unexpected path in pre-signed URL"; return null; }
        var query = SigV4.ParseQuery(uri.Query);
        string? Q(string k) => query.FirstOrDefault(x => x.Key.Equals(k, StringComparison.OrdinalIgnoreCase)).Value;
        if (Q("Action") != "GetCallerIdentity") { reason = "unexpected action parameter in pre-signed URL"; return null; }
        if (Q("Version") != "2011-06-15") { reason = "unexpected version parameter in pre-signed URL"; return null; }
        var signed = (Q("X-Amz-SignedHeaders") ?? "").Split(';');
        if (!signed.Contains("x-k8s-aws-id")) { reason = "client did not sign the x-k8s-aws-id header in the pre-signed URL"; return null; }
        if (Q("X-Amz-Expires") == null) { reason = "X-Amz-Expires parameter in pre-signed URL is missing"; return null; }
        string? Header(string n) => n switch { "host" => host, "x-k8s-aws-id" => clusterName, _ => null };
        var rawQuery = uri.Query.TrimStart('?');
        var r = SigV4.Verify("GET", uri.AbsolutePath, rawQuery, Header, [], w.FindKey, now, TimeSpan.FromMinutes(15));
        if (!r.Ok) { reason = $"{r.Failure}: {r.Message}"; return null; }
        if (r.Service != "sts") { reason = "pre-signed URL is not for sts"; return null; }
        return new User(r.Identity!.Arn, r.Identity);
    }

    private static void Authorize(User user, RouteInfo route, string op)
    {
        if (user.Identity == null) return;
        var verb = route.Kind switch { RouteKind.List => "list", RouteKind.Get => "get", RouteKind.Patch => "patch", RouteKind.Delete => "delete", RouteKind.Create or RouteKind.Evict => "create", RouteKind.Watch => "watch", _ => "get" };
        var res = route.Type!.Plural + (route.Kind == RouteKind.Evict ? "/eviction" : "");
        if (route.Kind == RouteKind.Watch && !user.Identity.KubernetesForbidden.Any(f => Glob.Match(f, $"watch:{res}"))) verb = "list";
        if (!user.Identity.KubernetesForbidden.Any(f => Glob.Match(f, $"{verb}:{res}"))) return;
        var scope = route.Namespace != null ? $"in the namespace \"{route.Namespace}\"" : "at the cluster scope";
        var what = route.Name != null ? $"{res} \"{route.Name}\" is forbidden" : $"{res} is forbidden";
        if (route.Type.Group.Length > 0) what = (route.Name != null ? $"{res}.{route.Type.Group} \"{route.Name}\"" : $"{res}.{route.Type.Group}") + " is forbidden";
        throw new KubeError(403, "Forbidden", $"{what}: User \"{user.Name}\" cannot {verb} resource \"{res}\" in API group \"{route.Type.Group}\" {scope}",
            new JsonObject { ["name"] = route.Name, ["group"] = route.Type.Group, ["kind"] = res });
    }

    // ---------------- routing ----------------

    internal enum RouteKind { NotFound, Version, Discovery, List, Get, Patch, Delete, Unsupported, Create, Evict, Watch, OpenApi }

    internal sealed record RouteInfo(RouteKind Kind, ResourceType? Type = null, string? Namespace = null, string? Name = null, string? Group = null, string? GroupVersion = null);

    private static (string Op, RouteInfo Route) Route(Cluster c, string method, string path)
    {
        var s = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (s is ["openapi", "v3", ..]) return ("k8s:openapi", new RouteInfo(RouteKind.OpenApi, Name: s.Length > 2 ? string.Join('/', s[2..]) : null));
        if (s is ["version"]) return ("k8s:version", new RouteInfo(RouteKind.Version));
        if (s is ["api"] or ["apis"]) return ("k8s:discovery", new RouteInfo(RouteKind.Discovery, Group: s[0]));
        if (s is ["api", "v1"]) return ("k8s:discovery", new RouteInfo(RouteKind.Discovery, Group: "", GroupVersion: "v1"));
        if (s is ["apis", var g1]) return ("k8s:discovery", new RouteInfo(RouteKind.Discovery, Group: g1));
        if (s is ["apis", var g2, var v2]) return ("k8s:discovery", new RouteInfo(RouteKind.Discovery, Group: g2, GroupVersion: $"{g2}/{v2}"));
        string group, version;
        string[] rest;
        if (s.Length >= 3 && s[0] == "api" && s[1] == "v1") { group = ""; version = "v1"; rest = s[2..]; }
        else if (s.Length >= 4 && s[0] == "apis") { group = s[1]; version = s[2]; rest = s[3..]; }
        else return ("k8s:unknown", new RouteInfo(RouteKind.NotFound));
        string? ns = null;
        if (rest.Length >= 3 && rest[0] == "namespaces") { ns = rest[1]; rest = rest[2..]; }
        var type = c.Kube.Find(group, version, rest[0]);
        if (type != null && type.Plural == "pods" && rest is [_, var evictName, "eviction"] && ns != null)
            return (method == "POST" ? "k8s:create:pods/eviction" : "k8s:unknown", new RouteInfo(method == "POST" ? RouteKind.Evict : RouteKind.Unsupported, type, ns, evictName));
        if (type == null || ns != null && !type.Namespaced || rest.Length > 2) return ($"k8s:unknown", new RouteInfo(RouteKind.NotFound));
        var name = rest.Length == 2 ? rest[1] : null;
        if (name == null && method == "POST") return ($"k8s:create:{type.Plural}", new RouteInfo(type.Namespaced && ns == null ? RouteKind.NotFound : RouteKind.Create, type, ns));
        if (name == null && method != "GET") return ($"k8s:{method.ToLowerInvariant()}:{type.Plural}", new RouteInfo(RouteKind.Unsupported, type, ns));
        var kind = method switch
        {
            "GET" => name == null ? RouteKind.List : RouteKind.Get,
            "PATCH" => RouteKind.Patch,
            "DELETE" => RouteKind.Delete,
            _ => RouteKind.Unsupported,
        };
        if (name != null && type.Namespaced && ns == null) return ("k8s:unknown", new RouteInfo(RouteKind.NotFound));
        var verb = kind switch { RouteKind.List => "list", RouteKind.Get => "get", RouteKind.Patch => "patch", RouteKind.Delete => "delete", _ => method.ToLowerInvariant() };
        return ($"k8s:{verb}:{type.Plural}", new RouteInfo(kind, type, ns, name));
    }

    // ---------------- discovery ----------------

    private static JsonObject Version(Cluster c)
    {
        var minor = c.Version.Split('.')[1];
        return new JsonObject
        {
            ["major"] = "1",
            ["minor"] = minor,
            ["emulationMajor"] = "1",
            ["emulationMinor"] = minor,
            ["gitVersion"] = $"v{c.Version}.9-eks-3025e55",
            ["gitCommit"] = "5d7b8e3e8b6b3bd4bc17c2f6e6b4b9e1f6f2f0aa",
            ["gitTreeState"] = "clean",
            ["buildDate"] = "2025-11-04T19:38:12Z",
            ["goVersion"] = "go1.24.9",
            ["compiler"] = "gc",
            ["platform"] = "linux/amd64",
        };
    }

    private static JsonObject Discovery(Cluster c, RouteInfo r)
    {
        var types = c.Kube.Types;
        if (r.Group == "api" && r.GroupVersion == null)
            return new JsonObject { ["kind"] = "APIVersions", ["versions"] = new JsonArray("v1"), ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = "127.0.0.1:443" }) };
        if (r.Group == "apis" && r.GroupVersion == null)
        {
            var groups = new JsonArray();
            foreach (var g in types.Where(t => t.Group.Length > 0).GroupBy(t => t.Group))
                groups.Add(Group(g.Key, g.Select(t => t.Version).Distinct().ToList()));
            return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups };
        }
        if (r.GroupVersion == null)
        {
            var vs = types.Where(t => t.Group == r.Group).Select(t => t.Version).Distinct().ToList();
            if (vs.Count == 0) throw new KubeError(404, "NotFound", "the server could not find the requested resource", new JsonObject());
            var g = Group(r.Group!, vs);
            g["kind"] = "APIGroup";
            g["apiVersion"] = "v1";
            return g;
        }
        var list = types.Where(t => t.GroupVersion == r.GroupVersion).ToList();
        if (list.Count == 0) throw new KubeError(404, "NotFound", "the server could not find the requested resource", new JsonObject());
        var resources = new JsonArray();
        foreach (var t in list)
        {
            var verbs = new JsonArray("create", "delete", "get", "list", "patch", "watch");
            var o = new JsonObject
            {
                ["name"] = t.Plural,
                ["singularName"] = t.Singular,
                ["namespaced"] = t.Namespaced,
                ["kind"] = t.Kind,
                ["verbs"] = verbs,
            };
            if (t.ShortNames.Length > 0) o["shortNames"] = new JsonArray(t.ShortNames.Select(x => (JsonNode)JsonValue.Create(x)!).ToArray());
            if (t.Plural is "pods" or "nodes" or "deployments" or "services" or "daemonsets" or "statefulsets" or "replicasets" or "namespaces") o["categories"] = new JsonArray("all");
            o["storageVersionHash"] = Ids.Hex(t.FullName, 11);
            resources.Add(o);
            if (t.Plural == "pods")
                resources.Add(new JsonObject { ["name"] = "pods/eviction", ["singularName"] = "", ["namespaced"] = true, ["group"] = "policy", ["version"] = "v1", ["kind"] = "Eviction", ["verbs"] = new JsonArray("create") });
        }
        return new JsonObject { ["kind"] = "APIResourceList", ["apiVersion"] = "v1", ["groupVersion"] = r.GroupVersion, ["resources"] = resources };
    }

    private static JsonObject Group(string name, List<string> versions) => new()
    {
        ["name"] = name,
        ["versions"] = new JsonArray(versions.Select(v => (JsonNode)new JsonObject { ["groupVersion"] = $"{name}/{v}", ["version"] = v }).ToArray()),
        ["preferredVersion"] = new JsonObject { ["groupVersion"] = $"{name}/{versions[0]}", ["version"] = versions[0] },
    };

    // ---------------- read ----------------

    private static bool WantsTable(HttpContext ctx) => ctx.Request.Headers.Accept.ToString().Contains("as=Table", StringComparison.Ordinal);

    private async Task List(HttpContext ctx, Cluster c, RouteInfo r, bool truncate)
    {
        var q = ctx.Request.Query;
        if (q["watch"] is var watch && (watch == "true" || watch == "1"))
        {
            await Watch(ctx, c, r);
            return;
        }
        var store = c.Kube;
        store.MaybeAutoCompact();
        var type = r.Type!;
        var col = store.Collections[type];
        var labels = LabelSelector.Parse(q["labelSelector"]);
        var fields = FieldSelector.Parse(q["fieldSelector"], type);
        long limit = 0;
        if (q["limit"].ToString() is { Length: > 0 } ls && (!long.TryParse(ls, CultureInfo.InvariantCulture, out limit) || limit < 0))
            throw new KubeError(400, "BadRequest", $"invalid limit: {ls}");
        KeyValuePair<string, JsonObject>[] snapshot;
        HashSet<string> tombs;
        long rv;
        lock (store.Sync)
        {
            snapshot = col.Items.ToArray();
            tombs = new HashSet<string>(col.Tombstones, StringComparer.Ordinal);
            rv = store.ResourceVersion;
        }
        string? after = null;
        if (q["continue"].ToString() is { Length: > 0 } cont)
        {
            if (!ContinueToken.TryDecode(cont, out var tokenRv, out var key))
                throw new KubeError(400, "BadRequest", "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
            if (tokenRv < store.CompactedRevision)
                throw new KubeError(410, "Expired", "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.");
            after = key;
            rv = tokenRv;
        }
        var filterless = labels.Empty && fields.Empty;
        IReadOnlyList<int>? only = null;
        if (col.Virtual is IVirtualFieldIndex index)
            foreach (var f in new[] { "spec.nodeName" })
                if (fields.EqualityValue(f) is { } value) only = index.IndicesWhere(f, value);
        var items = col.Enumerate(after, r.Namespace, snapshot, tombs, only).Where(x => (labels.Empty || labels.Matches(x.Obj)) && (fields.Empty || fields.Matches(x.Obj)));
        var table = WantsTable(ctx);

        List<(string Key, JsonObject Obj)>? page = null;
        string? next = null;
        long? remaining = null;
        if (limit > 0)
        {
            page = new List<(string, JsonObject)>();
            var more = false;
            foreach (var it in items)
            {
                if (page.Count == limit) { more = true; break; }
                page.Add(it);
            }
            if (more)
            {
                var last = page[^1].Key;
                next = ContinueToken.Encode(rv, last);
                if (filterless) remaining = col.RemainingAfter(last, r.Namespace, snapshot);
            }
        }

        var res = ctx.Response;
        res.StatusCode = 200;
        res.ContentType = "application/json";
        Stream target = res.Body;
        MemoryStream? buffer = null;
        if (truncate) target = buffer = new MemoryStream();
        await using (var wr = new Utf8JsonWriter(target, new JsonWriterOptions { SkipValidation = true }))
        {
            wr.WriteStartObject();
            if (table)
            {
                wr.WriteString("kind", "Table");
                wr.WriteString("apiVersion", "meta.k8s.io/v1");
            }
            else
            {
                wr.WriteString("kind", type.ListKind);
                wr.WriteString("apiVersion", type.GroupVersion);
            }
            wr.WritePropertyName("metadata");
            wr.WriteStartObject();
            wr.WriteString("resourceVersion", rv.ToString(CultureInfo.InvariantCulture));
            if (next != null) wr.WriteString("continue", next);
            if (remaining is { } rem) wr.WriteNumber("remainingItemCount", rem);
            wr.WriteEndObject();
            if (table) Tables.WriteColumns(wr, type);
            wr.WritePropertyName(table ? "rows" : "items");
            wr.WriteStartArray();
            var n = 0;
            foreach (var (_, obj) in (IEnumerable<(string, JsonObject)>?)page ?? items)
            {
                if (table) Tables.WriteRow(wr, type, obj, w.Now, ctx.Request.Query["includeObject"]);
                else WriteItem(wr, type, obj);
                if (++n % 200 == 0) await wr.FlushAsync(ctx.RequestAborted);
            }
            wr.WriteEndArray();
            wr.WriteEndObject();
        }
        if (buffer != null) await WriteTruncated(ctx, buffer.ToArray());
    }

    /// <summary>Built-in list items carry no kind/apiVersion on the wire; custom resources do.</summary>
    private static void WriteItem(Utf8JsonWriter wr, ResourceType type, JsonObject obj)
    {
        if (!type.BuiltIn)
        {
            obj.WriteTo(wr);
            return;
        }
        wr.WriteStartObject();
        foreach (var (k, v) in obj)
        {
            if (k is "kind" or "apiVersion") continue;
            wr.WritePropertyName(k);
            if (v is null) wr.WriteNullValue(); else v.WriteTo(wr);
        }
        wr.WriteEndObject();
    }

    private JsonObject Fetch(Cluster c, RouteInfo r)
    {
        var col = c.Kube.Collections[r.Type!];
        JsonObject? o;
        lock (c.Kube.Sync) o = col.Get(Collection.KeyOf(r.Namespace, r.Name!));
        return o ?? throw NotFound(r);
    }

    private static KubeError NotFound(RouteInfo r)
    {
        var t = r.Type!;
        var full = t.Group.Length == 0 ? t.Plural : $"{t.Plural}.{t.Group}";
        return new KubeError(404, "NotFound", $"{full} \"{r.Name}\" not found", new JsonObject { ["name"] = r.Name, ["group"] = t.Group, ["kind"] = t.Plural });
    }

    private async Task Get(HttpContext ctx, Cluster c, RouteInfo r, bool truncate)
    {
        var o = Fetch(c, r);
        if (WantsTable(ctx))
        {
            using var ms = new MemoryStream();
            await using (var wr = new Utf8JsonWriter(ms))
            {
                wr.WriteStartObject();
                wr.WriteString("kind", "Table");
                wr.WriteString("apiVersion", "meta.k8s.io/v1");
                wr.WritePropertyName("metadata");
                wr.WriteStartObject();
                wr.WriteString("resourceVersion", o["metadata"].Str("resourceVersion"));
                wr.WriteEndObject();
                Tables.WriteColumns(wr, r.Type!);
                wr.WritePropertyName("rows");
                wr.WriteStartArray();
                Tables.WriteRow(wr, r.Type!, o, w.Now, ctx.Request.Query["includeObject"]);
                wr.WriteEndArray();
                wr.WriteEndObject();
            }
            await WriteBytes(ctx, 200, ms.ToArray(), truncate);
            return;
        }
        await WriteJson(ctx, 200, o, truncate);
    }

    // ---------------- write ----------------

    private async Task Patch(HttpContext ctx, Cluster c, RouteInfo r, bool truncate)
    {
        var ct = (ctx.Request.ContentType ?? "").Split(';')[0].Trim();
        var type = r.Type!;
        var accepted = "application/json-patch+json, application/merge-patch+json" + (type.BuiltIn ? ", application/strategic-merge-patch+json" : "");
        if (ct is not ("application/merge-patch+json" or "application/json-patch+json" or "application/strategic-merge-patch+json") || ct == "application/strategic-merge-patch+json" && !type.BuiltIn)
            throw new KubeError(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: {accepted}");
        JsonNode? patch;
        try
        {
            using var sr = new StreamReader(ctx.Request.Body);
            patch = JsonNode.Parse(await sr.ReadToEndAsync(ctx.RequestAborted));
        }
        catch (JsonException e)
        {
            throw new KubeError(400, "BadRequest", $"error decoding patch: {e.Message}");
        }
        var dryRun = ctx.Request.Query["dryRun"] == "All";
        JsonObject updated;
        lock (c.Kube.Sync)
        {
            var current = Fetch(c, r);
            var copy = (JsonObject)current.DeepClone();
            JsonNode? result;
            if (ct == "application/json-patch+json") result = JsonPatch.Apply(copy, patch as JsonArray ?? throw new KubeError(400, "BadRequest", "json patch must be an array"));
            else result = J.MergePatch(copy, patch);
            if (result is not JsonObject res) throw new KubeError(422, "Invalid", "patch result is not an object");
            // Optimistic concurrency as the apiserver does it: a resourceVersion left in the patched object (merge patch
            // "metadata.resourceVersion", or a JSON patch replace/add of /metadata/resourceVersion) must be the current one.
            var rvAfter = res["metadata"].Str("resourceVersion");
            if (rvAfter != null && rvAfter != current["metadata"].Str("resourceVersion"))
                throw new KubeError(409, "Conflict", $"Operation cannot be fulfilled on {type.FullName} \"{r.Name}\": the object has been modified; please apply your changes to the latest version and try again",
                    new JsonObject { ["name"] = r.Name, ["group"] = type.Group, ["kind"] = type.Plural });
            if (res["metadata"].Str("name") != r.Name || res.Str("kind") != current.Str("kind") || res.Str("apiVersion") != current.Str("apiVersion"))
                throw new KubeError(422, "Invalid", $"{type.Kind}.{type.Group} \"{r.Name}\" is invalid: metadata.name: Invalid value: the name, kind and apiVersion of an object cannot be changed",
                    new JsonObject { ["name"] = r.Name, ["group"] = type.Group, ["kind"] = type.Kind });
            var meta = res.EnsureObj("metadata");
            meta["uid"] = current["metadata"].Str("uid");
            meta["creationTimestamp"] = current["metadata"].Str("creationTimestamp");
            Admission.Validate(type, current, res);
            var specChanged = !JsonNode.DeepEquals(current["spec"], res["spec"]);
            if (!JsonNode.DeepEquals(current, res) && !dryRun)
            {
                if (specChanged) meta["generation"] = (current["metadata"].Long("generation") ?? 1) + 1;
                c.Kube.Put(type, res); // the controllers react inside the write; the response is the object as written, like the apiserver
            }
            updated = res;
        }
        await WriteJson(ctx, 200, updated, truncate);
    }

    private async Task Delete(HttpContext ctx, Cluster c, RouteInfo r, bool truncate)
    {
        var dryRun = ctx.Request.Query["dryRun"] == "All" || await DeleteOptionsDryRun(ctx);
        JsonObject gone;
        JsonObject? remaining = null;
        lock (c.Kube.Sync)
        {
            gone = Fetch(c, r);
            if (!dryRun) remaining = c.Kube.Delete(r.Type!, Collection.KeyOf(r.Namespace, r.Name!), DateTimeOffset.UtcNow);
            else if (gone["metadata"]?["finalizers"] is JsonArray { Count: > 0 }) remaining = gone;
        }
        var t = r.Type!;
        if (remaining != null)
        {
            // Finalizers keep it (deletionTimestamp set): the API server answers with the object, as it does here.
            await WriteJson(ctx, 200, remaining, truncate);
            return;
        }
        await WriteJson(ctx, 200, new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Success",
            ["details"] = new JsonObject { ["name"] = r.Name, ["group"] = t.Group, ["kind"] = t.Plural, ["uid"] = gone["metadata"].Str("uid") },
        }, truncate);
    }

    // ---------------- output ----------------

    private static async Task WriteText(HttpContext ctx, int code, string text)
    {
        ctx.Response.StatusCode = code;
        ctx.Response.ContentType = "text/plain; charset=utf-8";
        await ctx.Response.WriteAsync(text);
    }

    private static Task WriteJson(HttpContext ctx, int code, JsonNode node, bool truncate) =>
        WriteBytes(ctx, code, Encoding.UTF8.GetBytes(node.ToJsonString(Compact)), truncate);

    private static async Task WriteBytes(HttpContext ctx, int code, byte[] body, bool truncate)
    {
        ctx.Response.StatusCode = code;
        ctx.Response.ContentType = "application/json";
        if (truncate)
        {
            await WriteTruncated(ctx, body);
            return;
        }
        ctx.Response.ContentLength = body.Length;
        await ctx.Response.Body.WriteAsync(body, ctx.RequestAborted);
    }

    /// <summary>Announces the full Content-Length, sends half the body, then drops the connection.</summary>
    private static async Task WriteTruncated(HttpContext ctx, byte[] body)
    {
        ctx.Response.ContentLength = body.Length;
        await ctx.Response.Body.WriteAsync(body.AsMemory(0, Math.Max(1, body.Length / 2)), ctx.RequestAborted);
        await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
        ctx.Abort();
    }
}

/// <summary>RFC 6902 JSON patch (add, remove, replace, test, copy, move).</summary>
internal static class JsonPatch
{
    public static JsonNode Apply(JsonNode doc, JsonArray ops)
    {
        foreach (var op in ops)
        {
            var kind = op.Str("op");
            var path = op.Str("path") ?? throw new KubeError(400, "BadRequest", "json patch operation without path");
            switch (kind)
            {
                case "add": Set(doc, path, op!["value"]?.DeepClone(), add: true); break;
                case "replace": Get(doc, path); Set(doc, path, op!["value"]?.DeepClone(), add: false); break;
                case "remove": Remove(doc, path); break;
                case "test":
                    if (!JsonNode.DeepEquals(Get(doc, path), op!["value"])) throw new KubeError(422, "Invalid", $"the server rejected our request due to an error in our request: test operation failed at {path}");
                    break;
                case "copy": Set(doc, path, Get(doc, op.Str("from")!)?.DeepClone(), add: true); break;
                case "move": { var v = Get(doc, op.Str("from")!)?.DeepClone(); Remove(doc, op.Str("from")!); Set(doc, path, v, add: true); break; }
                default: throw new KubeError(400, "BadRequest", $"Unexpected kind: {kind}");
            }
        }
        return doc;
    }

    private static string[] Parts(string path) => path.Split('/').Skip(1).Select(p => p.Replace("~1", "/").Replace("~0", "~")).ToArray();

    private static JsonNode? Get(JsonNode doc, string path)
    {
        JsonNode? cur = doc;
        foreach (var p in Parts(path))
        {
            cur = cur switch
            {
                JsonObject o when o.TryGetPropertyValue(p, out var v) => v,
                JsonArray a when int.TryParse(p, out var i) && i >= 0 && i < a.Count => a[i],
                _ => throw new KubeError(422, "Invalid", $"the server rejected our request due to an error in our request: doc is missing path: \"{path}\""),
            };
        }
        return cur;
    }

    private static void Set(JsonNode doc, string path, JsonNode? value, bool add)
    {
        var parts = Parts(path);
        var parent = Get(doc, "/" + string.Join('/', parts[..^1].Select(x => x.Replace("~", "~0").Replace("/", "~1"))));
        if (parts.Length == 1) parent = doc;
        var last = parts[^1];
        switch (parent)
        {
            case JsonObject o: o[last] = value; break;
            case JsonArray a when last == "-": a.Add(value); break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i <= a.Count:
                if (add) a.Insert(i, value); else a[i] = value;
                break;
            default: throw new KubeError(422, "Invalid", $"the server rejected our request due to an error in our request: doc is missing path: \"{path}\"");
        }
    }

    private static void Remove(JsonNode doc, string path)
    {
        var parts = Parts(path);
        var parent = parts.Length == 1 ? doc : Get(doc, "/" + string.Join('/', parts[..^1].Select(x => x.Replace("~", "~0").Replace("/", "~1"))));
        var last = parts[^1];
        switch (parent)
        {
            case JsonObject o when o.ContainsKey(last): o.Remove(last); break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i < a.Count: a.RemoveAt(i); break;
            default: throw new KubeError(422, "Invalid", $"the server rejected our request due to an error in our request: Unable to remove nonexistent key: {last}: missing value");
        }
    }
}
