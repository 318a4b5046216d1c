using System.Text.Json;
using EksAutoMode.Engine.Inventory;
using EksAutoMode.Engine.Kubernetes;
using EksAutoMode.Engine.Pricing;
using Xunit;

namespace EksAutoMode.Tests.Unit.Inventory;

public class QuantityAndDurationTests
{
    [Theory]
    [InlineData("1910m", "1.91")]
    [InlineData("2", "2")]
    [InlineData("3774873Ki", "3865470 ")]
    [InlineData("8Gi", "8589934592")]
    [InlineData("500M", "500000000")]
    [InlineData("1e3", "1000")]
    [InlineData("0.5", "0.5")]
    [InlineData("100u", "0.0001")]
    public void Parses_kubernetes_quantities(string text, string expected)
    {
        decimal value = KubernetesQuantity.Parse(text)!.Value;
        if (text == "3774873Ki")
        {
            Assert.Equal(3774873m * 1024, value);
        }
        else
        {
            Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), value);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("12Qi")]
    [InlineData("Gi")]
    public void Rejects_non_quantities(string text) => Assert.Null(KubernetesQuantity.Parse(text));

    [Fact]
    public void Go_durations_parse_and_Never_is_null()
    {
        Assert.Equal(TimeSpan.FromHours(336), Engine.GoDuration.Parse("336h"));
        Assert.Equal(TimeSpan.FromHours(24), Engine.GoDuration.Parse("24h0m0s"));
        Assert.Equal(TimeSpan.FromMinutes(90), Engine.GoDuration.Parse("1h30m"));
        Assert.Null(Engine.GoDuration.Parse("Never"));
        Assert.Null(Engine.GoDuration.Parse("10d"));
    }
}

public class ComputeTypeTests
{
    private static Dictionary<string, string> L(params string[] kv) =>
        Enumerable.Range(0, kv.Length / 2).ToDictionary(i => kv[i * 2], i => kv[i * 2 + 1]);

    [Fact]
    public void Labels_decide_before_EC2_and_names_never_decide()
    {
        Assert.Equal(ComputeType.AutoMode, ComputeTypeResolver.Resolve(L("eks.amazonaws.com/compute-type", "auto"), "aws:///us-west-2a/i-1", null).Type);
        Assert.Equal(ComputeType.Fargate, ComputeTypeResolver.Resolve(L("eks.amazonaws.com/compute-type", "fargate"), null, null).Type);
        Assert.Equal(ComputeType.Hybrid, ComputeTypeResolver.Resolve(L("eks.amazonaws.com/compute-type", "hybrid"), null, null).Type);
        Assert.Equal(ComputeType.ManagedNodeGroup, ComputeTypeResolver.Resolve(L("eks.amazonaws.com/nodegroup", "ng"), null, null).Type);
        Assert.Equal(ComputeType.AutoMode, ComputeTypeResolver.Resolve(L("karpenter.sh/nodepool", "p", "eks.amazonaws.com/nodeclass", "c"), null, null).Type);
        Assert.Equal(ComputeType.Karpenter, ComputeTypeResolver.Resolve(L("karpenter.sh/nodepool", "p", "karpenter.k8s.aws/ec2nodeclass", "c"), null, null).Type);
        Assert.Equal(ComputeType.Hybrid, ComputeTypeResolver.Resolve(L(), "eks-hybrid:///us-west-2/my-cluster/mi-0123", null).Type);
        // A node named like a Fargate or Auto Mode node without the marks is not classified by its name.
        Assert.Equal(ComputeType.SelfManaged, ComputeTypeResolver.Resolve(L("kubernetes.io/hostname", "fargate-ip-10-0-1-1"), "aws:///us-west-2a/i-2", null).Type);
    }

    [Fact]
    public void EC2_operator_and_tags_decide_unlabelled_nodes()
    {
        var managed = new Ec2InstanceFacts { InstanceId = "i-1", OperatorManaged = true, OperatorPrincipal = "eks.amazonaws.com", Tags = L("eks:kubernetes-node-pool-name", "system") };
        Assert.Equal(ComputeType.AutoMode, ComputeTypeResolver.Resolve(L(), "aws:///z/i-1", managed).Type);
        var ng = new Ec2InstanceFacts { InstanceId = "i-2", OperatorManaged = false, Tags = L("eks:nodegroup-name", "ng") };
        Assert.Equal(ComputeType.ManagedNodeGroup, ComputeTypeResolver.Resolve(L(), "aws:///z/i-2", ng).Type);
        var plain = new Ec2InstanceFacts { InstanceId = "i-3", OperatorManaged = false };
        Assert.Equal(ComputeType.SelfManaged, ComputeTypeResolver.Resolve(L(), "aws:///z/i-3", plain).Type);
    }

    [Fact]
    public void Launch_type_decides_the_fee()
    {
        Assert.Equal(LaunchType.AutoModeBuiltIn, ComputeTypeResolver.LaunchTypeOf(ComputeType.AutoMode, "system", "default"));
        Assert.Equal(LaunchType.AutoModeCustom, ComputeTypeResolver.LaunchTypeOf(ComputeType.AutoMode, "spot-pool", "custom-class"));
        Assert.False(FeeApplicability.Decide(ComputeTypeResolver.LaunchTypeOf(ComputeType.Karpenter, "p", "c"), false).Applies);
        Assert.False(FeeApplicability.Decide(ComputeTypeResolver.LaunchTypeOf(ComputeType.Fargate, null, null), false).Applies);
        Assert.Equal("i-0abc", NodeInventoryReader.InstanceIdFromProviderId("aws:///us-west-2a/i-0abc"));
        Assert.Null(NodeInventoryReader.InstanceIdFromProviderId("aws:///us-west-2a/0a1b2c/fargate-ip-10-0-1-1.us-west-2.compute.internal"));
    }

    [Fact]
    public void Pod_requests_follow_the_scheduler_formula()
    {
        using var doc = JsonDocument.Parse("""
            {"spec":{"containers":[{"resources":{"requests":{"cpu":"250m","memory":"256Mi"}}},{"resources":{"requests":{"cpu":"100m"}}}],
             "initContainers":[{"resources":{"requests":{"cpu":"1","memory":"64Mi"}}},{"restartPolicy":"Always","resources":{"requests":{"cpu":"50m","memory":"32Mi"}}}],
             "overhead":{"cpu":"10m"}}}
            """);
        (decimal cpu, decimal memory) = NodeInventoryReader.PodRequests(doc.RootElement);
        Assert.Equal(1.01m, cpu); // max(0.25+0.1+0.05 sidecar, 1 init) + 0.01 overhead
        Assert.Equal((256m + 32m) * 1024 * 1024, memory);
    }
}

public class DiagnosisCatalogueTests
{
    [Fact]
    public void Every_row_names_its_source_date_and_documentation()
    {
        Assert.NotEmpty(DiagnosisCatalogue.Rules);
        foreach (DiagnosisRule rule in DiagnosisCatalogue.Rules)
        {
            Assert.StartsWith("https://", rule.DocUrl);
            Assert.False(string.IsNullOrWhiteSpace(rule.Source));
            Assert.True(rule.AsOf.Year >= 2025, rule.Code);
        }

        foreach (string code in new[] { "LaunchTagPermissionDenied", "LaunchInstanceProfileDenied", "InsufficientCapacity", "RegistrationTimeout", "WaitingForNodeClass", "NodePoolAtLimit", "Drifted", "ExpiringSoon" })
        {
            Assert.Contains(DiagnosisCatalogue.Rules, r => r.Code == code);
        }
    }

    [Fact]
    public void Bad_catalogues_are_refused()
    {
        var ex = Assert.Throws<Engine.EngineException>(() => DiagnosisCatalogue.Parse("diagnoses:\n  - {code: X1, appliesTo: Node, severity: Error, when: {facts: [atLimit]}, message: m, remediation: r, docUrl: https://x, source: s, asOf: 2026-01-01}\n"));
        Assert.Equal("DiagnosisDataInvalid", ex.ErrorId);
        ex = Assert.Throws<Engine.EngineException>(() => DiagnosisCatalogue.Parse("diagnoses:\n  - {code: X1, appliesTo: NodePool, severity: Error, when: {facts: [noSuchFact]}, message: m, remediation: r, docUrl: https://x, source: s, asOf: 2026-01-01}\n"));
        Assert.Contains("noSuchFact", ex.Message);
    }

    private static IReadOnlyList<DiagnosisFinding> Claim(string launchedStatus, string? reason, string? message, params string[] facts) =>
        DiagnosisCatalogue.Diagnose(new DiagnosisSubject("NodeClaim", "c1", new[] { new KubernetesCondition("Launched", launchedStatus, reason, message, null) },
            facts.ToHashSet(), new Dictionary<string, string?> { ["nodePool"] = "p", ["nodeClass"] = "nc" }));

    [Fact]
    public void The_seed_article_failure_is_a_tag_permission_problem_only_when_the_class_has_tags()
    {
        const string msg = "Error getting launch template configs: User is not authorized to perform this operation because no identity-based policy allows it";
        var withTags = Claim("Unknown", "Unauthorized", msg, "nodeClassHasTags");
        Assert.Equal(new[] { "LaunchTagPermissionDenied" }, withTags.Select(f => f.Code));
        Assert.Contains("nc", withTags[0].Message);
        Assert.Equal(new[] { "LaunchUnauthorized" }, Claim("Unknown", "Unauthorized", msg).Select(f => f.Code));
    }

    [Fact]
    public void Launch_failures_are_told_apart_and_only_the_first_of_the_group_reports()
    {
        Assert.Equal("InsufficientCapacity", Claim("False", "LaunchFailed", "creating instance, InsufficientInstanceCapacity: We currently do not have sufficient capacity").Single().Code);
        Assert.Equal("LaunchInstanceProfileDenied", Claim("False", "LaunchFailed", "Value (eks-xyz) for parameter iamInstanceProfile.name is invalid").Single().Code);
        Assert.Equal("WaitingForNodeClass", Claim("Unknown", "NodeClassNotReady", null, "nodeClassNotReady").Single().Code);
        Assert.Equal("LaunchFailed", Claim("False", "SomethingElse", "boom").Single().Code);
        Assert.Empty(Claim("Unknown", "AwaitingReconciliation", "object is awaiting reconciliation"));
        Assert.Empty(Claim("True", "Launched", null));
    }

    [Fact]
    public void Insufficient_capacity_is_read_from_the_claim_s_warning_event_too()
    {
        var conditions = new[]
        {
            new KubernetesCondition("Launched", "Unknown", "AwaitingReconciliation", "object is awaiting reconciliation", null),
            new KubernetesCondition("Event", "True", "InsufficientCapacityError", "NodeClaim c1 event: creating instance, insufficient capacity, with fleet error(s), InsufficientInstanceCapacity: We currently do not have sufficient c7g.large capacity", null),
        };
        var findings = DiagnosisCatalogue.Diagnose(new DiagnosisSubject("NodeClaim", "c1", conditions, new HashSet<string> { "deleting" }, new Dictionary<string, string?> { ["nodePool"] = "p" }));
        Assert.Equal(new[] { "InsufficientCapacity", "Disrupting" }, findings.Select(f => f.Code));
        Assert.Contains("InsufficientInstanceCapacity", findings[0].Evidence);
    }

    [Fact]
    public void Pools_at_their_limits_are_reported_only_while_pods_are_pending()
    {
        IReadOnlyList<DiagnosisFinding> Pool(params string[] facts) => DiagnosisCatalogue.Diagnose(new DiagnosisSubject("NodePool", "p", Array.Empty<KubernetesCondition>(), facts.ToHashSet(), new Dictionary<string, string?>()));
        Assert.Equal("NodePoolAtLimit", Pool("atLimit", "podsPending").Single().Code);
        Assert.Empty(Pool("atLimit"));
    }

    [Fact]
    public void Pool_limits_compare_usage_with_the_spec()
    {
        using var doc = JsonDocument.Parse("""
            {"metadata":{"name":"p"},"spec":{"limits":{"cpu":"64","memory":"256Gi"},"template":{"spec":{"nodeClassRef":{"group":"eks.amazonaws.com","kind":"NodeClass","name":"c"},"expireAfter":"480h"}}},
             "status":{"resources":{"cpu":"64","memory":"100Gi","nodes":"8"}}}
            """);
        NodePoolInfo pool = InventoryObjects.ParseNodePool("x", doc.RootElement, null);
        Assert.True(pool.AtLimit);
        Assert.Equal(8, pool.Nodes);
        Assert.Equal(TimeSpan.FromHours(504), pool.MaxNodeLifetime); // 480h + Auto Mode's default 24h grace
    }

    [Fact]
    public void An_oss_pool_without_expireAfter_has_the_crd_default_not_never_and_an_explicit_never_stays_never()
    {
        using var unset = JsonDocument.Parse("""
            {"metadata":{"name":"oss"},"spec":{"template":{"spec":{"nodeClassRef":{"group":"karpenter.k8s.aws","kind":"EC2NodeClass","name":"c"}}}}}
            """);
        NodePoolInfo oss = InventoryObjects.ParseNodePool("x", unset.RootElement, null);
        Assert.Equal("720h", oss.ExpireAfterText);
        Assert.Equal(TimeSpan.FromHours(720), oss.ExpireAfter);

        using var never = JsonDocument.Parse("""
            {"metadata":{"name":"oss"},"spec":{"template":{"spec":{"nodeClassRef":{"group":"karpenter.k8s.aws","kind":"EC2NodeClass","name":"c"},"expireAfter":"Never"}}}}
            """);
        NodePoolInfo explicitNever = InventoryObjects.ParseNodePool("x", never.RootElement, null);
        Assert.Equal("Never", explicitNever.ExpireAfterText);
        Assert.Null(explicitNever.ExpireAfter);
    }
}
