using EksAutoMode.Engine.Manifests;
using EksAutoMode.Engine.Validation;

namespace EksAutoMode.Tests.Unit.Validation;

/// <summary>The seed article's built-ins validate clean; its two observed rejections are reproduced with matching text.</summary>
public class ArticleTests
{
    [Theory]
    [InlineData("automode/builtin-default-nodeclass.yaml", 0, "NodeClass", "default")]
    [InlineData("automode/builtin-nodepools.yaml", 0, "NodePool", "system")]
    [InlineData("automode/builtin-nodepools.yaml", 1, "NodePool", "general-purpose")]
    [InlineData("automode/custom-nodeclass.yaml", 0, "NodeClass", "private-compute")]
    [InlineData("automode/custom-nodepool.yaml", 0, "NodePool", "web")]
    public void BuiltInsAndExamplesValidateClean(string file, int index, string kind, string name)
    {
        var read = ManifestReader.ReadFile(V.Example(file));
        Assert.Empty(read.Problems);
        Assert.True(read.Documents.Count > index);
        var doc = read.Documents[index];
        Assert.Equal((kind, name), (doc.Kind, doc.Name));
        Assert.Empty(ManifestValidator.Validate(doc));
    }

    [Fact]
    public void RoleOver64BytesIsRejectedWithTheApiServerText()
    {
        string role = "automode-eks-AmazonEKSAutoNodeRole-" + new string('x', 40);
        var findings = V.Check(V.NodeClass.Replace("role: MyNodeRole", "role: " + role).Replace("name: custom", "name: custom-class"));

        var tooLong = Assert.Single(findings, f => f.RuleId == "K8S-MaxLength");
        Assert.Equal("spec.role: Too long: may not be more than 64 bytes", tooLong.ApiServerText);
        Assert.Equal(FindingSeverity.Error, tooLong.Severity);
        Assert.Equal((6, 9), (tooLong.Line, tooLong.Column));
        var skipped = Assert.Single(findings, f => f.RuleId == "K8S-CelNotChecked");
        Assert.Equal("<nil>: Invalid value: \"null\": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation", skipped.ApiServerText);
    }

    [Fact]
    public void ExpireAfterNeverIsRejectedWithBothApiServerErrors()
    {
        var findings = V.Check(V.NodePool.Replace("expireAfter: 336h", "expireAfter: Never").Replace("name: web", "name: custom-pool"));

        var errors = V.Errors(findings);
        Assert.Equal(2, errors.Count);
        Assert.Equal("spec.template.spec: Invalid value: \"object\": type conversion error from 'string' to 'google.protobuf.Duration' evaluating rule: the sum of expireAfter and terminationGracePeriod (defaulted to 24h) may not exceed 21 days", errors[0].ApiServerText);
        Assert.Equal("spec.template.spec: Invalid value: \"object\": expireAfter may not be set to Never", errors[1].ApiServerText);
        Assert.Equal(("AM-NP-002", "AM-NP-001"), (errors[0].RuleId, errors[1].RuleId));
        Assert.Contains("largest allowed expireAfter is 480h", errors[1].Hint);
        // The error text itself states the largest allowed value, after the API server's own words.
        Assert.All(errors, e => Assert.EndsWith("(largest allowed expireAfter: 480h with terminationGracePeriod 24h)", e.Message));
        Assert.StartsWith(errors[1].ApiServerMessage!, errors[1].Message);
        // The message leaves out the evaluator's internals (the API server's exact words stay in ApiServerText).
        Assert.DoesNotContain("protobuf", errors[0].Message);
        Assert.StartsWith("Invalid value: \"object\": the sum of expireAfter and terminationGracePeriod (defaulted to 24h) may not exceed 21 days (the rule cannot be evaluated: a value is not a duration such as 336h or 30m)", errors[0].Message);
        Assert.All(errors, e => Assert.Equal("NodePool", e.Kind));
    }

    [Theory]
    [InlineData("expireAfter: 481h", null, "480h")]
    [InlineData("expireAfter: 460h\n      terminationGracePeriod: 48h", "48h", "456h")]
    [InlineData("expireAfter: 21d", null, null)]
    public void OverTwentyOneDaysIsRejectedAndTheHintStatesTheLargestExpireAfter(string lines, string? grace, string? max)
    {
        var findings = V.Check(V.NodePool.Replace("expireAfter: 336h", lines));
        if (max is null)
        {
            // 21d does not match the expireAfter pattern: a structural error, CEL not reached for it.
            Assert.Contains(findings, f => f.RuleId == "K8S-Pattern" && f.Path == "spec.template.spec.expireAfter");
            return;
        }

        var f = Assert.Single(V.Errors(findings));
        Assert.Equal("AM-NP-002", f.RuleId);
        Assert.Equal("spec.template.spec: Invalid value: \"object\": the sum of expireAfter and terminationGracePeriod (defaulted to 24h) may not exceed 21 days", f.ApiServerText);
        Assert.Contains($"largest allowed expireAfter is {max}", f.Hint);
        Assert.Contains($"largest allowed expireAfter: {max} with terminationGracePeriod {grace ?? "24h"}", f.Message);
        Assert.Contains($"terminationGracePeriod {grace ?? "24h"}", f.Hint);
    }

    [Fact]
    public void The21DayRuleDoesNotApplyToOssKarpenter()
    {
        Assert.Empty(V.Check(V.OssNodePool.Replace("expireAfter: 720h", "expireAfter: Never")));
    }
}
