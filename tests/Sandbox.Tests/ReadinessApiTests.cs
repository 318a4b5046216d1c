using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using EksAutoMode.Sandbox.Core;

namespace EksAutoMode.Sandbox.Tests;

/// <summary>
/// The calls the readiness and IAM checks make (EC2 DescribeLaunchTemplateVersions / DescribeImages, EKS
/// ListPodIdentityAssociations / ListInsights, IAM SimulatePrincipalPolicy), read by the aws CLI and checked for the
/// error shapes EC2, EKS and IAM use.
/// </summary>
public class ReadinessApiTests(ReadinessHazardFixture f) : IClassFixture<ReadinessHazardFixture>
{
    private TestClient C => f.Client;
    private static readonly XNamespace Ec2 = "http://ec2.amazonaws.com/doc/2016-11-15/";

    [RealClientFact("aws")]
    public void TheAwsCliReadsLaunchTemplatesImagesPodIdentityAndInsights()
    {
        var v = f.Real.Aws("ec2", "describe-launch-template-versions", "--launch-template-id", "lt-0c0ffee0c0ffee001", "--versions", "$Default")["LaunchTemplateVersions"]!.AsArray();
        var data = Assert.Single(v)!["LaunchTemplateData"]!;
        Assert.Equal("ami-0badc0ffee0000002", data.Str("ImageId"));
        Assert.Contains("kind: NodeConfig", Encoding.UTF8.GetString(Convert.FromBase64String(data.Str("UserData")!)));
        Assert.Equal(new[] { 3L, 2L }, f.Real.Aws("ec2", "describe-launch-template-versions", "--launch-template-name", "hardened-al2023")["LaunchTemplateVersions"]!.AsArray().Select(x => x.Long("VersionNumber")!.Value));

        var image = Assert.Single(f.Real.Aws("ec2", "describe-images", "--image-ids", "ami-0badc0ffee0000002")["Images"]!.AsArray())!;
        Assert.Equal("111122223333", image.Str("OwnerId"));
        Assert.Equal("hardened-al2023-eks-1.28-v3", image.Str("Name"));
        Assert.Equal(2, f.Real.Aws("ec2", "describe-images", "--owners", "self")["Images"]!.AsArray().Count);

        var assoc = Assert.Single(f.Real.Aws("eks", "list-pod-identity-associations", "--cluster-name", "hazard-eks")["associations"]!.AsArray())!;
        Assert.Equal("payments-api", assoc.Str("serviceAccount"));
        Assert.Empty(f.Real.Aws("eks", "list-pod-identity-associations", "--cluster-name", "hazard-eks", "--namespace", "orders")["associations"]!.AsArray());

        var insights = f.Real.Aws("eks", "list-insights", "--cluster-name", "hazard-eks", "--filter", "statuses=ERROR,WARNING")["insights"]!.AsArray();
        Assert.Equal(new[] { "ERROR", "WARNING" }, insights.Select(i => i!["insightStatus"].Str("status")));
        Assert.Equal(3, f.Real.Aws("eks", "list-insights", "--cluster-name", "hazard-eks")["insights"]!.AsArray().Count);

        var subnets = f.Real.Aws("ec2", "describe-subnets", "--filters", "Name=vpc-id,Values=vpc-0123456789abcdef0")["Subnets"]!.AsArray();
        Assert.Equal(new[] { "us-west-2a", "us-west-2b", "us-west-2c" }, subnets.Select(x => x.Str("AvailabilityZone")));
        Assert.Equal(8000, subnets[0]!.Long("AvailableIpAddressCount"));
        Assert.Empty(f.Real.Aws("ec2", "describe-subnets", "--filters", "Name=tag-key,Values=kubernetes.io/role/elb")["Subnets"]!.AsArray());

        var sg = Assert.Single(f.Real.Aws("ec2", "describe-security-groups", "--filters", "Name=tag:aws:eks:cluster-name,Values=hazard-eks")["SecurityGroups"]!.AsArray())!;
        Assert.Equal("sg-0c1a2b3c4d5e6f701", sg.Str("GroupId"));
        Assert.StartsWith("eks-cluster-sg-hazard-eks-", sg.Str("GroupName"));
        Assert.Equal("sg-0c1a2b3c4d5e6f701", sg["IpPermissions"]![0]!["UserIdGroupPairs"]![0].Str("GroupId"));
    }

    [RealClientFact("aws")]
    public void TheAwsCliSimulatesRolePoliciesWithContextEntries()
    {
        var results = f.Real.Aws("iam", "simulate-principal-policy", "--policy-source-arn", "arn:aws:iam::111122223333:role/KarpenterNodeRole-hazard-eks",
            "--action-names", "ssm:GetParameter", "ec2:RunInstances", "ec2:DescribeRouteTables")["EvaluationResults"]!.AsArray();
        Assert.Equal(new[] { "allowed", "implicitDeny", "allowed" }, results.Select(r => r.Str("EvalDecision")));
        Assert.Equal("role", results[0]!["MatchedStatements"]![0].Str("SourcePolicyType"));
        Assert.Equal("aws-managed", results[2]!["MatchedStatements"]![0].Str("SourcePolicyType"));
    }

    [Fact]
    public async Task ConditionsAreEvaluatedAgainstTheContext()
    {
        // The catalog's AmazonEKSComputePolicy allows launches tagged for the cluster, but only with the EKS tag keys.
        string Form(string tagKeys) =>
            "Action=SimulatePrincipalPolicy&Version=2010-05-08&PolicySourceArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fclean-role" +
            "&ActionNames.member.1=ec2%3ARunInstances" +
            "&ContextEntries.member.1.ContextKeyName=aws%3ARequestTag%2Feks%3Aeks-cluster-name&ContextEntries.member.1.ContextKeyType=string&ContextEntries.member.1.ContextKeyValues.member.1=hazard-eks" +
            "&ContextEntries.member.2.ContextKeyName=aws%3APrincipalTag%2Feks%3Aeks-cluster-name&ContextEntries.member.2.ContextKeyType=string&ContextEntries.member.2.ContextKeyValues.member.1=hazard-eks" +
            "&ContextEntries.member.3.ContextKeyName=aws%3ARequestTag%2Feks%3Akubernetes-node-class-name&ContextEntries.member.3.ContextKeyType=string&ContextEntries.member.3.ContextKeyValues.member.1=default" +
            "&ContextEntries.member.4.ContextKeyName=aws%3ARequestTag%2Feks%3Akubernetes-node-pool-name&ContextEntries.member.4.ContextKeyType=string&ContextEntries.member.4.ContextKeyValues.member.1=general-purpose" +
            "&ContextEntries.member.5.ContextKeyName=aws%3ATagKeys&ContextEntries.member.5.ContextKeyType=stringList" + tagKeys;
        f.Host.World.Roles.TryAdd("clean-role", new JsonObject
        {
            ["roleName"] = "clean-role", ["arn"] = "arn:aws:iam::111122223333:role/clean-role",
            ["attachedPolicies"] = new JsonArray("arn:aws:iam::aws:policy/AmazonEKSComputePolicy"),
        });
        async Task<string> Decision(string tagKeys)
        {
            var r = await C.Query("iam", Form(tagKeys));
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            return XDocument.Parse(await r.Content.ReadAsStringAsync()).Descendants().Single(e => e.Name.LocalName == "EvalDecision").Value;
        }

        Assert.Equal("allowed", await Decision("&ContextEntries.member.5.ContextKeyValues.member.1=eks%3Aeks-cluster-name"));
        Assert.Equal("implicitDeny", await Decision("&ContextEntries.member.5.ContextKeyValues.member.1=eks%3Aeks-cluster-name&ContextEntries.member.5.ContextKeyValues.member.2=cost-center"));
    }

    [Fact]
    public async Task UnknownTemplatesImagesAndFiltersFailAsAwsAnswers()
    {
        var lt = await C.Query("ec2", "Action=DescribeLaunchTemplateVersions&Version=2016-11-15&LaunchTemplateId=lt-0000000000000000a&LaunchTemplateVersion.1=1");
        Assert.Equal(HttpStatusCode.BadRequest, lt.StatusCode);
        Assert.Equal("InvalidLaunchTemplateId.NotFound", XDocument.Parse(await lt.Content.ReadAsStringAsync()).Descendants(XName.Get("Code")).Single().Value);
        var version = await C.Query("ec2", "Action=DescribeLaunchTemplateVersions&Version=2016-11-15&LaunchTemplateId=lt-0c0ffee0c0ffee001&LaunchTemplateVersion.1=9");
        Assert.Contains("InvalidLaunchTemplateId.VersionNotFound", await version.Content.ReadAsStringAsync());
        var ami = await C.Query("ec2", "Action=DescribeImages&Version=2016-11-15&ImageId.1=ami-0000000000000000f");
        Assert.Equal(HttpStatusCode.BadRequest, ami.StatusCode);
        Assert.Contains("<Code>InvalidAMIID.NotFound</Code>", await ami.Content.ReadAsStringAsync());

        var bad = await C.Http.SendAsync(C.Signed(HttpMethod.Post, C.Aws + "/clusters/hazard-eks/insights", "eks", "us-west-2", C.Id(),
            Encoding.UTF8.GetBytes("""{"filter":{"statuses":["BROKEN"]}}"""), "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("InvalidParameterException", bad.Headers.GetValues("x-amzn-ErrorType").Single().Split(':')[0]);

        var readonlyId = f.Host.World.Identities.Single(i => i.AccessKeyId == "AKIASANDBOXREADONLY1");
        var denied = await C.Query("ec2", "Action=DescribeLaunchTemplateVersions&Version=2016-11-15&LaunchTemplateId=lt-0c0ffee0c0ffee001", readonlyId);
        Assert.Contains("<Code>UnauthorizedOperation</Code>", await denied.Content.ReadAsStringAsync());
    }
}
