using System.Net;
using EksAutoMode.Sandbox.Core;

namespace EksAutoMode.Sandbox.Tests;

/// <summary>The apiextensions endpoint serves the CRDs an Auto Mode cluster installs with their real schemas (Kube/CrdSchemas.cs).</summary>
public class CrdSchemaTests(AutomodeFixture f) : IClassFixture<AutomodeFixture>
{
    private TestClient C => f.Client;

    private const string Crds = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

    [Fact]
    public async Task Auto_Mode_cluster_lists_its_CRDs_and_serves_the_NodeClass_schema()
    {
        var list = await TestClient.Json(await C.KubeGet(Crds));
        Assert.Equal("CustomResourceDefinitionList", list.Str("kind"));
        var names = list["items"]!.AsArray().Select(i => i!["metadata"].Str("name")).ToList();
        Assert.Contains("nodeclasses.eks.amazonaws.com", names);
        Assert.Contains("nodepools.karpenter.sh", names);

        var r = await C.KubeGet(Crds + "/nodeclasses.eks.amazonaws.com");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var crd = await TestClient.Json(r);
        var version = crd["spec"]!["versions"]!.AsArray().Single()!;
        Assert.Equal("v1", version.Str("name"));
        Assert.Equal(true, version.Bool("served"));
        var spec = version["schema"]!["openAPIV3Schema"]!["properties"]!["spec"]!;
        Assert.Equal(64, spec["properties"]!["role"]!.Long("maxLength"));
        Assert.NotNull(version["additionalPrinterColumns"]); // kept from the generated CRD (kubectl get nodeclasses columns)
        Assert.Equal("v1", crd["status"]!["storedVersions"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Auto_Mode_NodePool_CRD_carries_the_Auto_Mode_rules_without_the_overlay_bookkeeping()
    {
        var r = await C.KubeGet(Crds + "/nodepools.karpenter.sh");
        string text = await r.Content.ReadAsStringAsync();
        Assert.DoesNotContain("x-eksautomode-", text);
        var crd = await TestClient.Json(r);
        var rules = crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]!["spec"]!["properties"]!["template"]!["properties"]!["spec"]!["x-kubernetes-validations"]!.AsArray();
        Assert.Contains(rules, x => x.Str("message") == "expireAfter may not be set to Never");
        Assert.Contains(rules, x => x.Str("message")!.StartsWith("the sum of expireAfter and terminationGracePeriod", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_CRD_without_a_schema_file_stays_schemaless_and_an_absent_one_is_404()
    {
        var claims = await TestClient.Json(await C.KubeGet(Crds + "/nodeclaims.karpenter.sh"));
        Assert.Equal(true, claims["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"].Bool("x-kubernetes-preserve-unknown-fields"));
        var missing = await C.KubeGet(Crds + "/widgets.example.com");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("NotFound", (await TestClient.Json(missing)).Str("reason"));
    }
}
