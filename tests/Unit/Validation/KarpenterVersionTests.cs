using EksAutoMode.Engine;
using EksAutoMode.Engine.Manifests;
using EksAutoMode.Engine.Validation;

namespace EksAutoMode.Tests.Unit.Validation;

/// <summary>Bundled Karpenter schema versions: selection, the 1.15 kubelet change, and the schema source on findings.</summary>
public class KarpenterVersionTests
{
    private const string Ec2Head = "apiVersion: karpenter.k8s.aws/v1\nkind: EC2NodeClass\nmetadata: {name: e}\nspec:\n  role: R\n  amiSelectorTerms: [{alias: al2023@latest}]\n  subnetSelectorTerms: [{id: subnet-1}]\n  securityGroupSelectorTerms: [{id: sg-1}]\n";

    // Karpenter 1.15: maxPods may be a CEL expression and any KubeletConfiguration field may be set.
    private const string Ec2With115Kubelet = Ec2Head + "  kubelet:\n    maxPods: \"vcpus * 8\"\n    shutdownGracePeriod: 30s\n    kubeReserved: {cpu: \"vcpus * 10\"}\n";

    private static string NitroPool(string key = "karpenter.k8s.aws/nitro-sandbox") =>
        "apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: {name: p}\nspec:\n  template:\n    spec:\n      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: e}\n"
        + $"      requirements: [{{key: {key}, operator: In, values: [\"true\"]}}]\n";

    [Fact]
    public void BundledVersionsAreDiscoveredFromTheDataFilesAndTheNewestIsTheDefault()
    {
        Assert.Contains("1.14", KarpenterVersions.All);
        Assert.Contains("1.15", KarpenterVersions.All);
        Assert.Equal(KarpenterVersions.All.OrderBy(Version.Parse), KarpenterVersions.All);
        Assert.Equal(KarpenterVersions.All[^1], KarpenterVersions.Default);
        Assert.Equal("1.15", KarpenterVersions.Default);
    }

    [Theory]
    [InlineData("1.15", "1.15")]
    [InlineData("v1.15", "1.15")]
    [InlineData("1.15.0", "1.15")]
    [InlineData("v1.14.1", "1.14")]
    [InlineData(" 1.14 ", "1.14")]
    [InlineData(null, "1.15")]
    [InlineData("1.13", null)]
    [InlineData("1", null)]
    [InlineData("1.15.0.1", null)]
    [InlineData("latest", null)]
    [InlineData("1.x", null)]
    public void VersionTextResolvesToABundledMinorOrNothing(string? text, string? expected) =>
        Assert.Equal(expected, KarpenterVersions.TryResolve(text));

    [Fact]
    public void AnUnbundledVersionIsAnErrorThatNamesTheBundledOnes()
    {
        var e = Assert.Throws<EngineException>(() => SchemaSet.ForKarpenter("1.9"));
        Assert.Equal("UnsupportedKarpenterVersion", e.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Contains("1.14, 1.15", e.Message);
    }

    [Fact]
    public void KubeletSettingsOf115AreRejectedUnder114AndAcceptedUnder115()
    {
        var under114 = V.Check(Ec2With115Kubelet, karpenterVersion: "1.14");
        var type = Assert.Single(under114, f => f.RuleId == "K8S-Type");
        Assert.Equal(FindingSeverity.Error, type.Severity);
        Assert.Equal("spec.kubelet.maxPods: Invalid value: \"string\": spec.kubelet.maxPods in body must be of type integer: \"string\"", type.ApiServerText);
        Assert.Equal(10, type.Line);
        var unknown = Assert.Single(under114, f => f.RuleId == "K8S-UnknownField");
        Assert.Equal("spec.kubelet.shutdownGracePeriod", unknown.Path);

        Assert.Empty(V.Check(Ec2With115Kubelet, karpenterVersion: "1.15"));
        Assert.Empty(V.Check(Ec2With115Kubelet)); // the default is the newest
    }

    [Fact]
    public void KubeReservedExpressionsFailThe114QuantityPatternOnly()
    {
        string doc = Ec2Head + "  kubelet:\n    kubeReserved: {cpu: \"vcpus * 10\"}\n";
        var f = Assert.Single(V.Errors(V.Check(doc, karpenterVersion: "1.14")));
        Assert.Equal("K8S-Pattern", f.RuleId);
        Assert.Equal("spec.kubelet.kubeReserved[cpu]", f.Path);
        Assert.Empty(V.Check(doc, karpenterVersion: "1.15"));
    }

    [Fact]
    public void TheKubeletRulesOf114StillApplyUnder114()
    {
        string doc = Ec2Head + "  kubelet: {imageGCHighThresholdPercent: 50, imageGCLowThresholdPercent: 60}\n";
        Assert.Contains(V.Check(doc, karpenterVersion: "1.14"), f => f.Message.Contains("imageGCHighThresholdPercent must be greater than imageGCLowThresholdPercent"));
        Assert.Empty(V.Check(doc, karpenterVersion: "1.15")); // 1.15: the controller checks it (ValidationSucceeded=False), not admission
    }

    [Fact]
    public void TheNitroSandboxLabelIsAllowedFrom115()
    {
        var under114 = V.Check(NitroPool(), ValidationTarget.Karpenter, "1.14");
        Assert.Contains(under114, f => f.RuleId == "K8S-Cel" && f.Message.Contains("label domain \"karpenter.k8s.aws\" is restricted"));
        Assert.DoesNotContain(V.Check(NitroPool(), ValidationTarget.Karpenter, "1.15"), f => f.RuleId == "K8S-Cel");
        Assert.Contains(V.Check(NitroPool("karpenter.k8s.aws/not-a-label"), ValidationTarget.Karpenter, "1.15"), f => f.RuleId == "K8S-Cel");
    }

    [Fact]
    public void EveryFindingNamesTheSchemaItWasCheckedAgainst()
    {
        var oss = V.Check(Ec2With115Kubelet, karpenterVersion: "1.14");
        Assert.All(oss, f => Assert.Equal("karpenter 1.14 (bundled, as-of 2026-08-20)", f.SchemaSource));
        var pool = V.Check(NitroPool(), ValidationTarget.Karpenter, "1.14");
        Assert.All(pool, f => Assert.Equal("karpenter 1.14 (bundled, as-of 2026-08-20)", f.SchemaSource));

        // The Auto Mode NodeClass is versioned by EKS: the same schema whatever the Karpenter version.
        string nodeClass = "apiVersion: eks.amazonaws.com/v1\nkind: NodeClass\nmetadata: {name: c}\nspec: {role: R, snatPolicy: random, subnetSelectorTerms: [{id: subnet-1}], securityGroupSelectorTerms: [{id: sg-1}]}\n";
        foreach (string version in KarpenterVersions.All)
        {
            var f = V.Check(nodeClass, karpenterVersion: version);
            Assert.NotEmpty(f);
            Assert.All(f, x => Assert.Equal("eks-auto-mode (bundled, as-of 2026-01-31)", x.SchemaSource));
        }

        // An Auto Mode NodePool: the shared karpenter.sh NodePool of the chosen version plus the Auto Mode overlay.
        string autoPool = "apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: {name: p}\nspec:\n  template:\n    spec:\n      expireAfter: Never\n      nodeClassRef: {group: eks.amazonaws.com, kind: NodeClass, name: default}\n      requirements: [{key: kubernetes.io/arch, operator: In, values: [amd64]}]\n";
        var am = V.Check(autoPool, karpenterVersion: "1.14");
        Assert.Contains(am, f => f.RuleId == "AM-NP-001");
        Assert.All(am, f => Assert.StartsWith("karpenter 1.14 + Auto Mode overlay (bundled, as-of 2026-08-20)", f.SchemaSource));
        Assert.All(V.Check(autoPool), f => Assert.StartsWith("karpenter 1.15 + Auto Mode overlay", f.SchemaSource));
    }

    [Fact]
    public void CustomAndClusterSchemasAreLabelledAsSuchAndWinOverTheBundledOnes()
    {
        // An older EC2NodeClass schema whose kubelet knows only maxPods (integer), as a cluster could serve it.
        string crd = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: ec2nodeclasses.karpenter.k8s.aws}
            spec:
              group: karpenter.k8s.aws
              names: {kind: EC2NodeClass, plural: ec2nodeclasses}
              scope: Cluster
              versions:
              - name: v1
                served: true
                storage: true
                schema:
                  openAPIV3Schema:
                    type: object
                    properties:
                      spec:
                        type: object
                        x-kubernetes-preserve-unknown-fields: true
                        properties:
                          kubelet:
                            type: object
                            properties:
                              maxPods: {type: integer, minimum: 0}
              - name: v1beta1
                served: false
                storage: false
                schema: {openAPIV3Schema: {type: object}}
            """;
        var fromCluster = SchemaSet.LoadCrdText(crd, "cluster:ec2nodeclasses.karpenter.k8s.aws", "2026-12-04", "https://127.0.0.1/x", "cluster demo");
        Assert.Null(fromCluster.Find("karpenter.k8s.aws/v1beta1", "EC2NodeClass")); // not served: not a schema
        var read = ManifestReader.ReadText(Ec2With115Kubelet, "e.yaml");
        var findings = ManifestValidator.Validate(read.Documents[0], new ValidationOptions { CustomSchemas = fromCluster, KarpenterVersion = "1.15" });
        Assert.Contains(findings, f => f.RuleId == "K8S-Type" && f.Path == "spec.kubelet.maxPods");
        Assert.All(findings, f => Assert.Equal("cluster demo", f.SchemaSource));

        var fromFile = SchemaSet.LoadCrdText(crd, "old-crd.yaml");
        Assert.Equal("file old-crd.yaml", fromFile.Kinds.Single().SourceLabel);
    }
}
