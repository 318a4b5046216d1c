using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace EksAutoMode.Infrastructure;

/// <summary>Tab completion from a fixed list (PowerShellStandard 5.1 has no ArgumentCompletionsAttribute).</summary>
public abstract class FixedListCompleter : IArgumentCompleter
{
    protected abstract IEnumerable<string> Values { get; }

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string prefix = wordToComplete.Trim('\'', '"');
        return Values.Where(v => v.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(v => new CompletionResult(v, v, CompletionResultType.ParameterValue, v));
    }
}

public sealed class PricingRegionCompleter : FixedListCompleter
{
    protected override IEnumerable<string> Values => new[]
    {
        "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1", "eu-west-1", "eu-west-2", "eu-west-3",
        "eu-central-1", "eu-north-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2",
        "ap-south-1", "us-gov-east-1", "us-gov-west-1", "cn-north-1", "cn-northwest-1",
    };
}

public sealed class CapacityTypeCompleter : FixedListCompleter
{
    protected override IEnumerable<string> Values => new[] { "OnDemand", "Spot" };
}

public sealed class LaunchTypeCompleter : FixedListCompleter
{
    protected override IEnumerable<string> Values => Enum.GetNames(typeof(Engine.Pricing.LaunchType));
}

/// <summary>Instance types the price catalogue knows (cache and embedded), for the Region already typed if any.</summary>
public sealed class PricedInstanceTypeCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string region = fakeBoundParameters["Region"] switch
        {
            string r => r,
            string[] { Length: > 0 } rs => rs[0],
            _ => PricingMapping.DefaultRegion(null) ?? "us-east-1",
        };
        string prefix = wordToComplete.Trim('\'', '"');
        return Engine.Pricing.PriceCatalogue.Load().InstanceTypes(region)
            .Where(t => t.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Take(200)
            .Select(t => new CompletionResult(t, t, CompletionResultType.ParameterValue, t));
    }
}
