using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using EksAutoMode.Engine.Aws;

namespace EksAutoMode.Completers;

/// <summary>
/// Completes AWS Region system names (from the bundled AWSSDK.Core). Attach to -Region parameters. When
/// AWS.Tools.Common is loaded, its own -Region completer (registered for every command) also applies.
/// </summary>
public sealed class RegionCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string word = (wordToComplete ?? "").Trim('\'', '"');
        var pattern = WildcardPattern.Get(word + "*", WildcardOptions.IgnoreCase);
        foreach (var region in AwsRegions.All)
        {
            if (pattern.IsMatch(region.SystemName))
            {
                yield return new CompletionResult(region.SystemName, region.SystemName, CompletionResultType.ParameterValue, region.DisplayName);
            }
        }
    }
}
