using EksAutoMode.Engine.Reporting;
using EksAutoMode.Engine.Validation;

namespace EksAutoMode.Tests.Unit.Reporting;

public class RuleCatalogueTests
{
    [Fact]
    public void EveryPolicyRuleIsDescribedFromItsDataWithoutPlaceholders()
    {
        foreach (var rule in PolicyRules.All.Values)
        {
            var d = RuleCatalogue.Describe(rule.Id);
            Assert.StartsWith(rule.Kind + ": ", d.Title);
            Assert.DoesNotMatch(@"(?<!\$)\{[A-Za-z]+\}", d.Title + d.Description + d.Help);
            Assert.Equal(rule.DocUrl ?? rule.SourceUrl, d.HelpUri);
            Assert.Contains(rule.SourceUrl!, d.Description);
        }
    }

    [Theory]
    [InlineData("INPUT-YamlSyntaxError")]
    [InlineData("INPUT-PathNotFound")]
    [InlineData("INPUT-SomethingAddedLater")]
    public void InputRulesShareTheInputDescription(string id)
    {
        var d = RuleCatalogue.Describe(id);
        Assert.Equal(id, d.Id);
        Assert.Equal("The input could not be checked", d.Title);
    }

    [Fact]
    public void SchemaRulesHaveTheirOwnTitleAndKubernetesLink()
    {
        var d = RuleCatalogue.Describe("K8S-UnknownField");
        Assert.Equal("Field is not in the schema", d.Title);
        Assert.StartsWith("https://kubernetes.io/", d.HelpUri);
    }
}
