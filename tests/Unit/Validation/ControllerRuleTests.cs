using EksAutoMode.Engine.Reporting;
using EksAutoMode.Engine.Validation;

namespace EksAutoMode.Tests.Unit.Validation;

/// <summary>
/// The Karpenter NodePool controller rules (KC-NP-*): what they do not flag (upstream allows it, or the API server
/// already rejects it, so one mistake gives one finding), which target restricts which domain, and how findings
/// say where the rejection comes from.
/// </summary>
public class ControllerRuleTests
{
    private static string Pool(string labels = "", string requirements = "[{key: kubernetes.io/arch, operator: In, values: [amd64]}]", string extra = "", bool oss = false) => $$"""
        apiVersion: karpenter.sh/v1
        kind: NodePool
        metadata:
          name: gpu
        spec:
          template:
            metadata:
              labels: {{{labels}}}
            spec:
              nodeClassRef: {group: {{(oss ? "karpenter.k8s.aws" : "eks.amazonaws.com")}}, kind: {{(oss ? "EC2NodeClass" : "NodeClass")}}, name: gpu}
              expireAfter: 336h
              requirements: {{requirements}}
              {{extra}}
        """;

    private static List<string> Ids(IEnumerable<ManifestFinding> findings) => findings.Select(f => f.RuleId).ToList();

    [Theory]
    [InlineData("node-restriction.kubernetes.io/team: ml")]
    [InlineData("kubernetes.io/team: ml")]
    [InlineData("node.kubernetes.io/pool: gpu")]
    [InlineData("k8s.io/team: ml")]
    [InlineData("karpenter.sh/capacity-type: spot")]
    public void KubernetesDomainsAreAllowedSinceKarpenter19(string label)
    {
        // v1.0-v1.8 restricted kubernetes.io and k8s.io (with exceptions such as node-restriction.kubernetes.io);
        // v1.9 (PR #2586) dropped that, and Auto Mode runs a current controller.
        foreach (bool oss in new[] { false, true })
        {
            var findings = V.Check(Pool(labels: label, oss: oss));
            Assert.Empty(V.Errors(findings));
            Assert.DoesNotContain("KC-NP-004", Ids(findings));
        }
    }

    [Theory]
    [InlineData("karpenter.sh/team: a", "label domain \"karpenter.sh\" is restricted")]
    [InlineData("karpenter.sh/nodepool: a", "label \"karpenter.sh/nodepool\" is restricted")]
    [InlineData("kubernetes.io/hostname: a", "label \"kubernetes.io/hostname\" is restricted")]
    public void WhatTheApiServerRejectsIsNotReportedAgainByTheController(string label, string celMessage)
    {
        var findings = V.Check(Pool(labels: label, oss: true));
        Assert.Contains(findings, f => f.RuleId == "K8S-Cel" && f.Message.Contains(celMessage) && f.Origin == "ApiServer");
        Assert.DoesNotContain("KC-NP-004", Ids(findings));
    }

    [Fact]
    public void RestrictedRequirementKeyRejectedByCelIsOneFinding()
    {
        var findings = V.Check(Pool(requirements: "[{key: karpenter.k8s.aws/custom, operator: Exists}]", oss: true));
        Assert.Single(findings, f => f.Path == "spec.template.spec.requirements[0].key" && f.Severity == FindingSeverity.Error);
        Assert.Contains(findings, f => f.RuleId == "K8S-Cel" && f.Path == "spec.template.spec.requirements[0].key");
    }

    [Fact]
    public void EachTargetRestrictsItsOwnProviderDomain()
    {
        // OSS: karpenter.k8s.aws is the provider's domain (ec2nodeclass passes the CEL allow-list, not the controller);
        // eks.amazonaws.com keys are plain custom labels there.
        var oss = V.Check(Pool(labels: "karpenter.k8s.aws/ec2nodeclass: gpu, eks.amazonaws.com/nodeclass: gpu", oss: true));
        var restricted = Assert.Single(oss, f => f.RuleId == "KC-NP-004");
        Assert.Equal("spec.template.metadata.labels[karpenter.k8s.aws/ec2nodeclass]", restricted.Path);
        Assert.Contains("OSS Karpenter", restricted.Message);

        // Auto Mode: eks.amazonaws.com is restricted except its documented labels; karpenter.k8s.aws is not its domain.
        var auto = V.Check(Pool(labels: "karpenter.k8s.aws/ec2nodeclass: gpu, eks.amazonaws.com/nodeclass: gpu, eks.amazonaws.com/compute-type: auto"));
        restricted = Assert.Single(auto, f => f.RuleId == "KC-NP-004");
        Assert.Equal("spec.template.metadata.labels[eks.amazonaws.com/nodeclass]", restricted.Path);
        Assert.Contains("domain eks.amazonaws.com is restricted for EKS Auto Mode", restricted.Message);
        Assert.Contains("example.com/nodeclass", restricted.Hint);
        Assert.Contains("such as eks.amazonaws.com/instance-category, eks.amazonaws.com/instance-family", restricted.Hint);
        Assert.True(restricted.Line > 0);
    }

    [Fact]
    public void DocumentedAutoModeLabelsAreWellKnown()
    {
        string requirements = "[{key: eks.amazonaws.com/instance-category, operator: In, values: [c, m, r]}, {key: eks.amazonaws.com/instance-generation, operator: Gt, values: ['4']}, "
            + "{key: eks.amazonaws.com/instance-gpu-manufacturer, operator: In, values: [nvidia]}, {key: eks.amazonaws.com/compute-type, operator: In, values: [auto]}]";
        var findings = V.Check(Pool(requirements: requirements));
        Assert.Empty(findings);
    }

    [Theory]
    [InlineData("[spot, gpu]")]
    [InlineData("[on-demand, reserved]")]
    public void CapacityTypeWithAtLeastOneKnownValueIsOnlyLoggedUpstream(string values)
    {
        var findings = V.Check(Pool(requirements: $"[{{key: karpenter.sh/capacity-type, operator: In, values: {values}}}]"));
        Assert.DoesNotContain("KC-NP-002", Ids(findings));
        Assert.Empty(V.Errors(findings));
    }

    [Fact]
    public void UnknownCapacityTypeWithNotInOrAliasedKeysFollowsUpstream()
    {
        // Only In is checked against the known values.
        Assert.DoesNotContain("KC-NP-002", Ids(V.Check(Pool(requirements: "[{key: karpenter.sh/capacity-type, operator: NotIn, values: [gpu]}]"))));

        // Instance tenancy is a well-known value set of the OSS provider only.
        Assert.DoesNotContain("KC-NP-002", Ids(V.Check(Pool(requirements: "[{key: karpenter.k8s.aws/instance-tenancy, operator: In, values: [host]}]"))));
    }

    [Fact]
    public void MinValuesBelowValueCountIsTheApiServersRuleNotTheControllers()
    {
        var findings = V.Check(Pool(requirements: "[{key: karpenter.sh/capacity-type, operator: In, values: [spot], minValues: 2}]"));
        Assert.Contains(findings, f => f.RuleId == "K8S-Cel" && f.Message.Contains("minValues"));
        Assert.DoesNotContain("KC-NP-003", Ids(findings));
    }

    [Fact]
    public void TaintsWithTheSameKeyButAnotherEffectAreFine()
    {
        var findings = V.Check(Pool(extra: "taints: [{key: dedicated, value: gpu, effect: NoSchedule}]\n      startupTaints: [{key: dedicated, value: gpu, effect: NoExecute}]"));
        Assert.Empty(findings);
    }

    [Fact]
    public void ControllerFindingsSayWhereTheyComeFrom()
    {
        var findings = V.Check(Pool(requirements: "[{key: karpenter.sh/capacity-type, operator: In, values: [gpu]}]",
            extra: "taints: [{key: dedicated, value: x, effect: NoSchedule}]\n      startupTaints: [{key: dedicated, value: x, effect: NoSchedule}]"));
        var controller = findings.Where(f => f.RuleId.StartsWith("KC-", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, controller.Count);
        Assert.All(controller, f =>
        {
            Assert.Equal(FindingSeverity.Error, f.Severity);
            Assert.Equal(PolicyRule.KarpenterControllerOrigin, f.Origin);
            Assert.Contains("ValidationSucceeded=False", f.Message);
            Assert.StartsWith("https://github.com/kubernetes-sigs/karpenter/blob/v1.14.1/", f.SourceUrl);
            Assert.Equal("2026-08-20", f.AsOf);
        });
        var taint = Assert.Single(controller, f => f.RuleId == "KC-NP-001");
        Assert.Equal(14, taint.Line); // the startupTaints item, the second occurrence
    }

    [Fact]
    public void PoolForAutoModePointingAtAnEc2NodeClassIsAnErrorInAutoModeContext()
    {
        string yaml = Pool(oss: true);
        var auto = V.Check(yaml, ValidationTarget.AutoMode);
        var f = Assert.Single(auto, x => x.RuleId == "AM-NP-006");
        Assert.Equal(FindingSeverity.Error, f.Severity);
        Assert.Contains("karpenter.k8s.aws/EC2NodeClass is not a node class of EKS Auto Mode", f.Message);

        // Inferred from nodeClassRef, the same pool is an OSS Karpenter pool and fine.
        Assert.Empty(V.Check(yaml));
    }

    [Fact]
    public void MixedKeysInAnOssPoolPointAtTheAutoModeKey()
    {
        var findings = V.Check(Pool(labels: "eks.amazonaws.com/compute-type: auto", requirements: "[{key: karpenter.k8s.aws/instance-family, operator: In, values: [m5]}]", oss: true));
        var mixed = Assert.Single(findings, f => f.RuleId == "AM-NP-010");
        Assert.Contains("this one under OSS Karpenter", mixed.Message);
        Assert.Equal(8, mixed.Line); // the template label
        Assert.Equal(FindingSeverity.Error, mixed.Severity);
    }

    [Fact]
    public void PossiblyNewerFieldsAreOnlyReportedWhenTheSchemaLacksThem()
    {
        const string yaml = """
            apiVersion: eks.amazonaws.com/v1
            kind: NodeClass
            metadata: {name: training}
            spec:
              role: R
              subnetSelectorTerms: [{id: subnet-1}]
              securityGroupSelectorTerms: [{id: sg-1}]
              placementGroupSelector: {name: training}
              ipamPoolSelector: {id: x}
            """;
        var findings = V.Check(yaml);
        var newer = Assert.Single(findings, f => f.RuleId == "AM-NC-009");
        Assert.Equal(FindingSeverity.Warning, newer.Severity);
        Assert.Equal("2026-12-04", newer.AsOf);
        Assert.Equal(8, newer.Line);

        // A field on no list stays a plain unknown field.
        Assert.Single(findings, f => f.RuleId == "K8S-UnknownField" && f.Path == "spec.ipamPoolSelector");
        Assert.DoesNotContain(findings, f => f.RuleId == "K8S-UnknownField" && f.Path == "spec.placementGroupSelector");

        // The same field in an OSS EC2NodeClass is in its schema: nothing to say.
        Assert.DoesNotContain(V.Check(V.Ec2NodeClass.Replace("  role: KarpenterNodeRole", "  role: KarpenterNodeRole\n  placementGroupSelector: {name: training}")), f => f.RuleId == "AM-NC-009");
    }

    [Fact]
    public void LabelFamiliesReadTheConvertersTableAsTheConvertersDo()
    {
        var converters = EksAutoMode.Engine.Conversion.ConversionData.Instance;
        var families = LabelFamilies.Instance;
        Assert.Equal(converters.AutoToOssKeys.OrderBy(p => p.Key), families.AutoToOss.OrderBy(p => p.Key));
        Assert.Equal(converters.OssToAutoKeys.OrderBy(p => p.Key), families.OssToAuto.OrderBy(p => p.Key));
        Assert.Equal(converters.Labels.AutoOnly.Keys.Order(), families.AutoOnly.Keys.Order());
        Assert.Equal(converters.Labels.OssOnly.Keys.Order(), families.OssOnly.Keys.Order());
        Assert.Contains("karpenter.k8s.aws/ec2nodeclass", families.OssOnly.Keys);
    }

    [Fact]
    public void EveryRuleRowAndControllerRuleCarriesSourceDateAndDocs()
    {
        foreach (var rule in PolicyRules.All.Values)
        {
            Assert.Contains(rule.Origin, new[] { PolicyRule.AutoModePolicyOrigin, PolicyRule.KarpenterControllerOrigin, PolicyRule.ApiServerOrigin });
            foreach (var row in rule.Rows)
            {
                Assert.Matches("^https://", row["sourceUrl"]);
                Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", row["asOf"]);
                Assert.StartsWith("spec.", row["path"]);
            }

            if (rule.Origin == PolicyRule.KarpenterControllerOrigin)
            {
                Assert.StartsWith("KC-", rule.Id);
                Assert.Equal(FindingSeverity.Error, rule.Severity);
                Assert.Matches(@"^https://github\.com/kubernetes-sigs/karpenter/blob/v\d+\.\d+\.\d+/", rule.SourceUrl);
                Assert.Matches("^https://", rule.DocUrl);
                var d = RuleCatalogue.Describe(rule.Id);
                Assert.Equal(rule.DocUrl, d.HelpUri);
                Assert.Contains("Karpenter NodePool controller", d.Description);
                Assert.Contains(rule.SourceUrl!, d.Description);
                Assert.False(string.IsNullOrWhiteSpace(d.Help));
            }
        }

        Assert.Equal(6, PolicyRules.All.Values.Count(r => r.Origin == PolicyRule.KarpenterControllerOrigin));
    }
}
