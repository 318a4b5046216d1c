using System.Text.Json.Nodes;
using EksAutoMode.Sandbox.Core;

namespace EksAutoMode.Sandbox.Kube;

/// <summary>
/// Validation the API server runs on writes to custom resources from their CRD schemas (x-kubernetes-validations):
/// here the NodePool <c>spec</c> rules for static capacity (karpenter.sh NodePool CRD v1.8+, read from
/// kubernetes-sigs/karpenter pkg/apis/crds/karpenter.sh_nodepools.yaml, 2026-12-04; EKS Auto Mode static-capacity
/// pools follow it): <c>replicas</c> minimum 0, a pool cannot switch between static and dynamic, a static pool's
/// <c>limits</c> may hold only <c>nodes</c>, and it has no <c>weight</c>. A rejected write answers 422 Invalid with the
/// CRD's message, as the apiserver does, and changes nothing.
/// </summary>
internal static class Admission
{
    /// <summary>Throws 422 when <paramref name="updated"/> (with <paramref name="current"/> as oldSelf on update) breaks a rule.</summary>
    public static void Validate(ResourceType type, JsonObject? current, JsonObject updated)
    {
        if (type.Group != "karpenter.sh" || type.Plural != "nodepools") return;
        var name = updated["metadata"].Str("name") ?? "";
        var spec = updated["spec"] as JsonObject;
        var replicas = spec?["replicas"];
        if (replicas != null && (replicas.GetValueKind() != System.Text.Json.JsonValueKind.Number || replicas.GetValue<double>() < 0 || replicas.GetValue<double>() % 1 != 0))
            throw Invalid(type, name, "spec.replicas", replicas.ToJsonString(), "should be greater than or equal to 0", "FieldValueInvalid");
        if (current != null && (current["spec"]?["replicas"] != null) != (replicas != null))
            throw Invalid(type, name, "spec", "\"object\"", "Cannot transition NodePool between static (replicas set) and dynamic (replicas unset) provisioning modes");
        if (replicas == null) return;
        if (spec?["limits"] is JsonObject limits && limits.Count > 0 && (limits.Count != 1 || !limits.ContainsKey("nodes")))
            throw Invalid(type, name, "spec", "\"object\"", "only 'limits.nodes' is supported on static NodePools");
        if (spec?["weight"] != null)
            throw Invalid(type, name, "spec", "\"object\"", "'weight' is not supported on static NodePools");
    }

    private static KubeError Invalid(ResourceType type, string name, string field, string value, string message, string reason = "FieldValueInvalid") =>
        new(422, "Invalid", $"{type.Kind}.{type.Group} \"{name}\" is invalid: {field}: Invalid value: {value}: {message}",
            new JsonObject
            {
                ["name"] = name,
                ["group"] = type.Group,
                ["kind"] = type.Kind,
                ["causes"] = new JsonArray(new JsonObject { ["reason"] = reason, ["message"] = $"Invalid value: {value}: {message}", ["field"] = field }),
            });
}
