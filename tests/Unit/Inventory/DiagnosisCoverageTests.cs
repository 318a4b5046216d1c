using EksAutoMode.Engine.Inventory;
using Xunit;

namespace EksAutoMode.Tests.Unit.Inventory;

/// <summary>Every diagnosis code has a case that triggers it (and adding a code without a case fails here).</summary>
public class DiagnosisCoverageTests
{
    private static KubernetesCondition C(string type, string status, string? reason = null, string? message = null) => new(type, status, reason, message, null);

    public static readonly Dictionary<string, DiagnosisSubject> Cases = new()
    {
        ["LaunchInstanceProfileDenied"] = Claim(new[] { C("Launched", "False", "LaunchFailed", "creating launch template, iam:PassRole denied for role eks-node") }),
        ["LaunchTagPermissionDenied"] = Claim(new[] { C("Launched", "Unknown", "Unauthorized", "User is not authorized to perform this operation because no identity-based policy allows it") }, "nodeClassHasTags"),
        ["LaunchUnauthorized"] = Claim(new[] { C("Launched", "False", "LaunchFailed", "UnauthorizedOperation: You are not authorized to perform this operation") }),
        ["InsufficientCapacity"] = Claim(new[] { C("Launched", "False", "InsufficientCapacityError", "all requested instance types were unavailable during launch: InsufficientInstanceCapacity") }),
        ["WaitingForNodeClass"] = Claim(new[] { C("Launched", "Unknown", "NodeClassNotReady", "NodeClass not ready") }, "nodeClassNotReady"),
        ["NodeClassMissing"] = Claim(new[] { C("Launched", "Unknown") }, "nodeClassMissing"),
        ["LaunchFailed"] = Claim(new[] { C("Launched", "False", "LaunchFailed", "unexpected error") }),
        ["RegistrationTimeout"] = Claim(new[] { C("Launched", "True"), C("Registered", "Unknown", "NodeNotFound", "Node not registered with cluster") }, "registrationOverdue"),
        ["Drifted"] = Claim(new[] { C("Launched", "True"), C("Drifted", "True", "NodeClassDrift") }),
        ["ExpiringSoon"] = Claim(new[] { C("Launched", "True") }, "expiresWithin48h"),
        ["Disrupting"] = Claim(new[] { C("Launched", "True") }, "deleting"),
        ["NodePoolAtLimit"] = Pool(Array.Empty<KubernetesCondition>(), "atLimit", "podsPending"),
        ["NodePoolNodeClassNotReady"] = Pool(new[] { C("Ready", "False", "NodeClassNotReady") }, "nodeClassNotReady"),
        ["NodePoolNodeClassMissing"] = Pool(Array.Empty<KubernetesCondition>(), "nodeClassMissing"),
        ["NodePoolNotReady"] = Pool(new[] { C("Ready", "False", "ValidationFailed", "invalid requirements") }),
        ["NodeRegistrationUnhealthy"] = Pool(new[] { C("Ready", "True"), C("NodeRegistrationHealthy", "False", "Unhealthy", "node registrations are failing") }),
        ["NodeClassInstanceProfileNotReady"] = Class(new[] { C("Ready", "False"), C("InstanceProfileReady", "False", "InstanceProfileNotFound", "role not found") }),
        ["NodeClassSubnetsNotReady"] = Class(new[] { C("Ready", "False"), C("SubnetsReady", "False", "SubnetsNotFound", "no subnets found") }),
        ["NodeClassSecurityGroupsNotReady"] = Class(new[] { C("Ready", "False"), C("SecurityGroupsReady", "False", "SecurityGroupsNotFound", "no security groups found") }),
        ["NodeClassNotReady"] = Class(new[] { C("Ready", "False", "ValidationFailed", "bad role") }),
    };

    private static DiagnosisSubject Claim(KubernetesCondition[] conditions, params string[] facts) =>
        new("NodeClaim", "claim-1", conditions, facts.ToHashSet(), new Dictionary<string, string?> { ["nodePool"] = "pool", ["nodeClass"] = "class", ["expiresAt"] = "2026-12-05 10:00 UTC" });

    private static DiagnosisSubject Pool(KubernetesCondition[] conditions, params string[] facts) =>
        new("NodePool", "pool", conditions, facts.ToHashSet(), new Dictionary<string, string?> { ["nodeClass"] = "class" });

    private static DiagnosisSubject Class(KubernetesCondition[] conditions) =>
        new("NodeClass", "class", conditions, new HashSet<string>(), new Dictionary<string, string?>());

    [Fact]
    public void Every_code_in_the_catalogue_has_a_case()
    {
        Assert.Equal(DiagnosisCatalogue.Rules.Select(r => r.Code).OrderBy(c => c), Cases.Keys.OrderBy(c => c));
    }

    public static IEnumerable<object[]> Codes => Cases.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(Codes))]
    public void Each_case_triggers_its_code_with_a_filled_message(string code)
    {
        IReadOnlyList<DiagnosisFinding> findings = DiagnosisCatalogue.Diagnose(Cases[code]);
        DiagnosisFinding finding = Assert.Single(findings, f => f.Code == code);
        Assert.DoesNotMatch(@"\{[A-Za-z]+\}", finding.Message);
        Assert.DoesNotMatch(@"\{[A-Za-z]+\}", finding.Remediation);
        Assert.DoesNotContain("(none)", finding.Message);
    }

    [Fact]
    public void Healthy_objects_have_no_findings()
    {
        Assert.Empty(DiagnosisCatalogue.Diagnose(Claim(new[] { C("Launched", "True"), C("Registered", "True"), C("Initialized", "True"), C("Ready", "True") })));
        Assert.Empty(DiagnosisCatalogue.Diagnose(Pool(new[] { C("Ready", "True"), C("NodeClassReady", "True") })));
        Assert.Empty(DiagnosisCatalogue.Diagnose(Class(new[] { C("Ready", "True") })));
    }
}
