using System.Globalization;
using System.Text.Json;
using EksAutoMode.Engine.Kubernetes;

namespace EksAutoMode.Engine.Validation;

/// <summary>What <see cref="ClusterSchemas.ReadAsync"/> found: the schemas of the CRDs the cluster serves, and the ones it does not.</summary>
public sealed class ClusterSchemaRead
{
    internal ClusterSchemaRead(SchemaSet? schemas, string sourceLabel, IReadOnlyList<string> used, IReadOnlyList<(string Crd, string Reason)> notUsed)
    {
        Schemas = schemas;
        SourceLabel = sourceLabel;
        Used = used;
        NotUsed = notUsed;
    }

    /// <summary>The cluster's schemas (use as <see cref="ValidationOptions.CustomSchemas"/>), or null when it serves none of the CRDs.</summary>
    public SchemaSet? Schemas { get; }

    /// <summary>The finding label of these schemas: <c>cluster &lt;name&gt;</c>.</summary>
    public string SourceLabel { get; }

    /// <summary>The CRDs read from the cluster (e.g. nodepools.karpenter.sh).</summary>
    public IReadOnlyList<string> Used { get; }

    /// <summary>The CRDs the cluster does not serve (or serves with a schema that cannot be used), with the reason: their kinds fall back to the bundled schemas.</summary>
    public IReadOnlyList<(string Crd, string Reason)> NotUsed { get; }
}

/// <summary>
/// Reads the CRDs a cluster actually serves for the kinds the validator covers (GET
/// /apis/apiextensions.k8s.io/v1/customresourcedefinitions/&lt;name&gt;), so that manifests are validated with that
/// cluster's own openAPIV3Schema and x-kubernetes-validations, by the same schema/CEL engine as -CrdPath.
/// </summary>
public static class ClusterSchemas
{
    /// <summary>The CRDs read: Auto Mode's NodeClass, the (shared) Karpenter NodePool and OSS Karpenter's EC2NodeClass.</summary>
    public static IReadOnlyList<string> CrdNames { get; } = new[] { "nodeclasses.eks.amazonaws.com", "nodepools.karpenter.sh", "ec2nodeclasses.karpenter.k8s.aws" };

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Reads the CRDs. A CRD that is not served (404) or cannot be compiled is listed in <see cref="ClusterSchemaRead.NotUsed"/>; any other failure (401, 403, unreachable) throws <see cref="EngineException"/>.</summary>
    public static async Task<ClusterSchemaRead> ReadAsync(KubernetesConnection connection, Action<string>? trace = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        string label = "cluster " + (connection.ClusterName ?? connection.Context ?? connection.Server);
        string today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var reader = new KubernetesListReader(connection) { Trace = trace };
        var set = new SchemaSet();
        var used = new List<string>();
        var notUsed = new List<(string, string)>();
        foreach (string name in CrdNames)
        {
            cancellationToken.ThrowIfCancellationRequested();
            JsonElement? crd = await reader.GetAsync(KubernetesResourceType.CustomResourceDefinitions, name, cancellationToken).ConfigureAwait(false);
            if (crd is null)
            {
                notUsed.Add((name, "the cluster does not serve this CRD"));
                continue;
            }

            string url = connection.Server.TrimEnd('/') + KubernetesResourceType.CustomResourceDefinitions.ListPath + "/" + name;
            try
            {
                // Indented: one compact line could exceed the reader's line-length limit for a large CRD.
                set.AddRange(SchemaSet.LoadCrdText(JsonSerializer.Serialize(crd.Value, Indented), "cluster:" + name, today, url, label));
                used.Add(name);
            }
            catch (EngineException e) when (e.ErrorId == "InvalidCrd")
            {
                notUsed.Add((name, "its schema cannot be used: " + e.Message));
            }
        }

        return new ClusterSchemaRead(used.Count > 0 ? set : null, label, used, notUsed);
    }
}
