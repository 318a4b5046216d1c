using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using EksAutoMode.Engine.Aws;

namespace EksAutoMode.Completers;

/// <summary>
/// Completes -ProfileName from the shared credentials and config files (honouring a -ProfileLocation already
/// typed). When AWS.Tools.Common is loaded, its own -ProfileName completer also applies.
/// </summary>
public sealed class ProfileNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string word = (wordToComplete ?? string.Empty).Trim('\'', '"');
        string? location = fakeBoundParameters?["ProfileLocation"] as string;
        var pattern = WildcardPattern.Get(word + "*", WildcardOptions.IgnoreCase);
        foreach (string name in AwsProfiles.ListNames(location))
        {
            if (pattern.IsMatch(name))
            {
                string text = name.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or '$' or '`') ? "'" + name.Replace("'", "''") + "'" : name;
                yield return new CompletionResult(text, name, CompletionResultType.ParameterValue, name);
            }
        }
    }
}
