using System.Text.Json.Nodes;
using EksAutoMode.Sandbox.Core;

namespace EksAutoMode.Sandbox.Kube;

/// <summary>
/// The openAPIV3Schema (with x-kubernetes-validations) that a cluster's CRDs serve at
/// /apis/apiextensions.k8s.io/v1/customresourcedefinitions, like a real API server serves the CRDs its components
/// installed. The schemas are the CRD files under Crds/ in the output folder (copied from the module's bundled CRD
/// data: AWS publishes no Auto Mode CRD, and those files carry the Karpenter CRDs per minor version with their
/// upstream source and date). Which files a cluster serves follows its flavour:
/// <list type="bullet">
/// <item>Auto Mode (computeConfig.enabled): nodeclasses.eks.amazonaws.com, and nodepools.karpenter.sh with the Auto Mode
/// rules (the overlay file's CEL rules added at their paths; its default removals applied);</item>
/// <item>OSS Karpenter (crdSets karpenter-core / karpenter-aws): nodepools.karpenter.sh and ec2nodeclasses.karpenter.k8s.aws
/// of the cluster's <c>karpenterVersion</c> (default: the newest file present).</item>
/// </list>
/// A CRD without a file (nodeclaims and the other components' CRDs) keeps a schemaless (preserve-unknown-fields)
/// schema. A scenario replaces any CRD with <c>crds:</c> (inline CRD objects, or <c>{file: path}</c> relative to the
/// scenario), e.g. an older schema, so a test can tell the cluster's schema from the bundled one.
/// </summary>
internal static class CrdSchemas
{
    private const string Overlay = "karpenter.sh_nodepools.automode-overlay.yaml";

    public static string Folder => Path.Combine(AppContext.BaseDirectory, "Crds");

    /// <summary>The newest Karpenter minor version with a NodePool CRD file (e.g. 1.15).</summary>
    public static string NewestKarpenterVersion =>
        Directory.Exists(Folder)
            ? Directory.GetFiles(Folder, "karpenter.sh_nodepools.*.yaml")
                .Select(f => Path.GetFileName(f)["karpenter.sh_nodepools.".Length..^".yaml".Length])
                .Where(v => Version.TryParse(v, out _))
                .OrderBy(Version.Parse)
                .LastOrDefault() ?? ""
            : "";

    /// <summary>The CRD file content a cluster of this flavour serves for <paramref name="type"/>, or null (schemaless).</summary>
    public static JsonObject? Served(ResourceType type, bool autoMode, string? karpenterVersion)
    {
        string version = karpenterVersion ?? NewestKarpenterVersion;
        string? file = type.FullName switch
        {
            "nodeclasses.eks.amazonaws.com" => "eks.amazonaws.com_nodeclasses.yaml",
            "nodepools.karpenter.sh" => $"karpenter.sh_nodepools.{version}.yaml",
            "ec2nodeclasses.karpenter.k8s.aws" => $"karpenter.k8s.aws_ec2nodeclasses.{version}.yaml",
            _ => null,
        };
        if (file is null) return null;
        string path = Path.Combine(Folder, file);
        if (!File.Exists(path))
            throw new InvalidDataException($"The sandbox has no CRD file {file} (karpenterVersion '{version}'; files in {Folder}).");
        var crd = (JsonObject)YamlJson.ParseFile(path)!;
        if (autoMode && type.FullName == "nodepools.karpenter.sh")
            ApplyAutoModeRules(crd, (JsonObject)YamlJson.ParseFile(Path.Combine(Folder, Overlay))!);
        return crd;
    }

    /// <summary>
    /// Puts the versions (name, served, storage, schema) of <paramref name="source"/> into the generated CRD
    /// <paramref name="crd"/>, keeping the generated printer columns and subresources of versions with the same name.
    /// </summary>
    public static void UseVersions(JsonObject crd, JsonObject source, string origin)
    {
        var versions = source.Obj("spec").Arr("versions");
        if (versions.Count == 0 || versions.Any(v => v.Obj("schema").Obj("openAPIV3Schema") is null))
            throw new InvalidDataException($"CRD {source.Obj("metadata").Str("name")} from {origin}: every spec.versions[] needs schema.openAPIV3Schema.");
        var generated = crd.Obj("spec")!.Arr("versions").ToDictionary(v => v.Str("name") ?? "", v => (JsonObject)v!);
        var merged = new JsonArray();
        foreach (var v in versions)
        {
            var copy = (JsonObject)v!.DeepClone();
            if (generated.TryGetValue(copy.Str("name") ?? "", out var g))
                foreach (var key in new[] { "additionalPrinterColumns", "subresources" })
                    if (copy[key] is null && g[key] is not null) copy[key] = g[key]!.DeepClone();
            merged.Add(copy);
        }
        crd.Obj("spec")!["versions"] = merged;
        crd.Obj("status")!["storedVersions"] = new JsonArray(versions.Where(v => v.Bool("storage") == true).Select(v => (JsonNode)JsonValue.Create(v.Str("name"))!).ToArray());
    }

    /// <summary>The Auto Mode rules in the overlay file: each <c>add</c> entry's CEL rules appended at its path; <c>removeDefaults</c> paths lose their default.</summary>
    private static void ApplyAutoModeRules(JsonObject crd, JsonObject overlay)
    {
        foreach (var version in crd.Obj("spec").Arr("versions"))
        {
            var schema = version.Obj("schema").Obj("openAPIV3Schema")!;
            foreach (var add in overlay.Arr("add"))
            {
                var at = SchemaAt(schema, add.Str("path")!);
                if (at["x-kubernetes-validations"] is not JsonArray rules) at["x-kubernetes-validations"] = rules = new JsonArray();
                foreach (var rule in add.Arr("x-kubernetes-validations"))
                {
                    // The overlay's own bookkeeping (x-eksautomode-*) is not part of a served CRD.
                    var served = new JsonObject();
                    foreach (var (k, v) in (JsonObject)rule!)
                        if (!k.StartsWith("x-eksautomode-", StringComparison.Ordinal)) served[k] = v?.DeepClone();
                    rules.Add(served);
                }
            }
            foreach (var path in overlay.Strings("removeDefaults"))
                SchemaAt(schema, path).Remove("default");
        }
    }

    private static JsonObject SchemaAt(JsonObject schema, string path)
    {
        var node = schema;
        foreach (var part in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
            node = (part == "[]" ? node.Obj("items") : node.Obj("properties").Obj(part))
                ?? throw new InvalidDataException($"Overlay path '{path}' not found at '{part}'.");
        return node;
    }
}
