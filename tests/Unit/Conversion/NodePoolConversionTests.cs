using EksAutoMode.Engine;
using EksAutoMode.Engine.Conversion;
using EksAutoMode.Engine.Manifests;
using static EksAutoMode.Tests.Unit.Conversion.ConversionTestHelpers;

namespace EksAutoMode.Tests.Unit.Conversion;

public class NodePoolConversionTests
{
    private static string Pool(string group, string kind, string requirementKey, string templateSpecExtra = "", string labels = "") => $$"""
        apiVersion: karpenter.sh/v1
        kind: NodePool
        metadata:
          name: pool
        spec:
          template:
            metadata:
              labels:
                team: a
        {{labels}}
            spec:
              nodeClassRef: {group: {{group}}, kind: {{kind}}, name: nc}
              requirements:
              - key: {{requirementKey}}
                operator: In
                values: ["1"]
              - key: karpenter.sh/capacity-type
                operator: In
                values: [on-demand]
        {{templateSpecExtra}}
          disruption:
            consolidateAfter: 30s
            budgets:
            - nodes: 10%
        """;

    public static IEnumerable<object[]> LabelPairs() =>
        System.Text.RegularExpressions.Regex.Matches(
                EmbeddedData.ReadText("Conversion", "label-keys.yaml"), @"^  (eks\.amazonaws\.com/instance-[a-z-]+): (karpenter\.k8s\.aws/instance-[a-z-]+)$", System.Text.RegularExpressions.RegexOptions.Multiline)
            .Select(m => new object[] { m.Groups[1].Value, m.Groups[2].Value });

    [Fact]
    public void The_label_table_has_all_16_documented_instance_keys()
    {
        Assert.Equal(16, LabelPairs().Count());
    }

    [Theory]
    [MemberData(nameof(LabelPairs))]
    public void Instance_label_keys_are_rewritten_both_ways_in_requirements_and_template_labels(string autoKey, string ossKey)
    {
        var toOss = One(ConversionDirection.AutoToOss, Pool("eks.amazonaws.com", "NodeClass", autoKey, labels: $"        {autoKey}: \"x\""));
        var oss = Parse(toOss.Yaml);
        Assert.Equal(ossKey, Str(oss, "spec.template.spec.requirements.0.key"));
        Assert.Equal("x", ((MappingNode)At(oss, "spec.template.metadata.labels")!).GetString(ossKey));
        Assert.Null(((MappingNode)At(oss, "spec.template.metadata.labels")!)[autoKey]);
        Assert.Equal("karpenter.k8s.aws", Str(oss, "spec.template.spec.nodeClassRef.group"));
        Assert.Equal("EC2NodeClass", Str(oss, "spec.template.spec.nodeClassRef.kind"));
        Assert.Equal("nc", Str(oss, "spec.template.spec.nodeClassRef.name"));
        Assert.True(toOss.IsValid, string.Join("\n", toOss.ValidationErrors));

        var back = One(ConversionDirection.OssToAuto, Pool("karpenter.k8s.aws", "EC2NodeClass", ossKey, "      expireAfter: 336h", $"        {ossKey}: \"x\""));
        var auto = Parse(back.Yaml);
        Assert.Equal(autoKey, Str(auto, "spec.template.spec.requirements.0.key"));
        Assert.Equal("x", ((MappingNode)At(auto, "spec.template.metadata.labels")!).GetString(autoKey));
        Assert.Equal("eks.amazonaws.com", Str(auto, "spec.template.spec.nodeClassRef.group"));
        Assert.Equal("NodeClass", Str(auto, "spec.template.spec.nodeClassRef.kind"));
        Assert.True(back.IsValid, string.Join("\n", back.ValidationErrors));
    }

    [Fact]
    public void Everything_else_is_kept_and_budgets_stay_strings()
    {
        var doc = One(ConversionDirection.AutoToOss, Pool("eks.amazonaws.com", "NodeClass", "eks.amazonaws.com/instance-cpu", "      expireAfter: 336h\n      taints: [{key: k, effect: NoSchedule}]"));
        var root = Parse(doc.Yaml);
        Assert.Equal("336h", Str(root, "spec.template.spec.expireAfter"));
        Assert.Equal("k", Str(root, "spec.template.spec.taints.0.key"));
        Assert.Equal("a", Str(root, "spec.template.metadata.labels.team"));
        var nodes = Assert.IsType<ScalarNode>(At(root, "spec.disruption.budgets.0.nodes"));
        Assert.True(nodes.IsString);
        Assert.Equal("10%", nodes.Value);
        Assert.Contains("- nodes: \"10%\"", doc.Yaml, StringComparison.Ordinal);
        Assert.Contains("- \"1\"", doc.Yaml, StringComparison.Ordinal);
        Assert.Equal("on-demand", Str(root, "spec.template.spec.requirements.1.values.0"));
    }

    [Fact]
    public void Auto_Mode_grace_period_default_is_written_and_compute_type_is_dropped_on_the_way_to_OSS()
    {
        var doc = One(ConversionDirection.AutoToOss, Pool("eks.amazonaws.com", "NodeClass", "eks.amazonaws.com/compute-type"));
        var root = Parse(doc.Yaml);
        Assert.Equal("24h", Str(root, "spec.template.spec.terminationGracePeriod"));
        Assert.Equal("karpenter.sh/capacity-type", Str(root, "spec.template.spec.requirements.0.key"));
        Assert.Single(((SequenceNode)At(root, "spec.template.spec.requirements")!).Items);
        Assert.Contains(doc.Notes, n => n.Action == NoteAction.Dropped && n.SourcePath == "spec.template.spec.requirements[0]" && n.Severity == NoteSeverity.Warning);
        Assert.Contains(doc.Notes, n => n.Action == NoteAction.Defaulted && n.TargetPath == "spec.template.spec.terminationGracePeriod");
    }

    [Theory]
    [InlineData("      expireAfter: Never", "480h")]
    [InlineData("      expireAfter: 720h", "480h")]
    [InlineData("      expireAfter: 720h\n      terminationGracePeriod: 48h", "456h")]
    [InlineData("      expireAfter: Never\n      terminationGracePeriod: 1h30m", "502h30m")]
    [InlineData("", "480h")]
    public void Lifetimes_Auto_Mode_rejects_become_the_largest_allowed_value_with_a_warning(string extra, string expected)
    {
        var doc = One(ConversionDirection.OssToAuto, Pool("karpenter.k8s.aws", "EC2NodeClass", "kubernetes.io/arch", extra));
        Assert.Equal(expected, Str(Parse(doc.Yaml), "spec.template.spec.expireAfter"));
        Assert.Contains(doc.Notes, n => n.TargetPath == "spec.template.spec.expireAfter" && n.Severity == NoteSeverity.Warning);
        Assert.True(doc.IsValid, string.Join("\n", doc.ValidationErrors));
    }

    [Fact]
    public void Lifetimes_within_the_cap_are_untouched_and_KeepExpireAfter_keeps_a_rejected_one()
    {
        var ok = One(ConversionDirection.OssToAuto, Pool("karpenter.k8s.aws", "EC2NodeClass", "kubernetes.io/arch", "      expireAfter: 480h"));
        Assert.Equal("480h", Str(Parse(ok.Yaml), "spec.template.spec.expireAfter"));
        Assert.DoesNotContain(ok.Notes, n => n.TargetPath == "spec.template.spec.expireAfter");

        var kept = One(ConversionDirection.OssToAuto, Pool("karpenter.k8s.aws", "EC2NodeClass", "kubernetes.io/arch", "      expireAfter: Never"), new ConversionOptions { KeepExpireAfter = true });
        Assert.Equal("Never", Str(Parse(kept.Yaml), "spec.template.spec.expireAfter"));
        Assert.Contains(kept.Notes, n => n.TargetPath == "spec.template.spec.expireAfter" && n.Message.Contains("-KeepExpireAfter", StringComparison.Ordinal));
    }

    [Fact]
    public void Migration_taints_are_added_once_and_OSS_only_keys_are_dropped()
    {
        var options = new ConversionOptions { Taints = new[] { TaintSpec.Parse("eks-auto-mode:NoSchedule"), TaintSpec.Parse("k=v:noexecute") } };
        var doc = One(ConversionDirection.OssToAuto, Pool("karpenter.k8s.aws", "EC2NodeClass", "karpenter.k8s.aws/instance-tenancy", "      taints: [{key: eks-auto-mode, effect: NoSchedule}]"), options);
        var root = Parse(doc.Yaml);
        var taints = Assert.IsType<SequenceNode>(At(root, "spec.template.spec.taints"));
        Assert.Equal(2, taints.Count);
        Assert.Equal("NoExecute", Str(root, "spec.template.spec.taints.1.effect"));
        Assert.Equal("v", Str(root, "spec.template.spec.taints.1.value"));
        Assert.Contains(doc.Notes, n => n.SourcePath == "spec.template.spec.requirements[0]" && n.Action == NoteAction.Dropped && n.Message.Contains("tenancy", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("eks-auto-mode")]
    [InlineData("a:Sometimes")]
    [InlineData(":NoSchedule")]
    [InlineData("a b:NoSchedule")]
    public void Malformed_taints_are_refused(string text)
    {
        Assert.Equal("InvalidTaint", Assert.Throws<EngineException>(() => TaintSpec.Parse(text)).ErrorId);
    }

    [Fact]
    public void A_NodePool_already_on_the_target_side_is_another_kind()
    {
        var items = Convert(ConversionDirection.AutoToOss, Pool("karpenter.k8s.aws", "EC2NodeClass", "kubernetes.io/arch"));
        Assert.Contains("not an Auto Mode NodePool", Assert.Single(items).SkippedReason, StringComparison.Ordinal);
        var passed = Assert.Single(Convert(ConversionDirection.AutoToOss, Pool("karpenter.k8s.aws", "EC2NodeClass", "kubernetes.io/arch"), new ConversionOptions { PassThruOtherKinds = true })).Document!;
        Assert.True(passed.PassedThrough);
        Assert.Equal("karpenter.k8s.aws", Str(Parse(passed.Yaml), "spec.template.spec.nodeClassRef.group"));
    }
}
