using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using EksAutoMode.Engine.Common;

namespace EksAutoMode.Completers;

/// <summary>
/// Completers that answer from embedded data only (see <see cref="CompletionValues"/>): Tab never waits for AWS or
/// a cluster, never resolves credentials and never prompts. Names that exist only in a live cluster (custom
/// NodePools, NodeClaims, clusters, nodes) are therefore not completed; the built-in names are.
/// </summary>
public abstract class OfflineCompleter : IArgumentCompleter
{
    protected abstract IEnumerable<(string Value, string Tooltip)> Candidates(string commandName, string word);

    internal IEnumerable<(string Value, string Tooltip)> CandidatesFor(string commandName, string word) => Candidates(commandName, word);

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string word = (wordToComplete ?? string.Empty).Trim('\'', '"');
        var pattern = WildcardPattern.Get(WildcardPattern.Escape(word) + "*", WildcardOptions.IgnoreCase);
        foreach (var (value, tooltip) in Candidates(commandName, word))
        {
            if (pattern.IsMatch(value))
            {
                yield return new CompletionResult(Quote(value), value, CompletionResultType.ParameterValue, tooltip);
            }
        }
    }

    /// <summary>Single-quotes a value that PowerShell would not take bare (spaces, parentheses, commas...).</summary>
    internal static string Quote(string value) =>
        value.All(c => char.IsAsciiLetterOrDigit(c) || "@._:/=-".Contains(c)) ? value : "'" + value.Replace("'", "''") + "'";
}

/// <summary>-NodePool / NodePool -Name: the built-in pools (system, general-purpose).</summary>
public sealed class NodePoolNameCompleter : OfflineCompleter
{
    protected override IEnumerable<(string, string)> Candidates(string commandName, string word) =>
        CompletionValues.BuiltInNodePools.Select(p => (p, $"built-in Auto Mode NodePool {p}"));
}

/// <summary>Get-AutoModeNodeClass -Name: the built-in NodeClass (default).</summary>
public sealed class NodeClassNameCompleter : OfflineCompleter
{
    protected override IEnumerable<(string, string)> Candidates(string commandName, string word) =>
        CompletionValues.BuiltInNodeClasses.Select(c => (c, $"built-in Auto Mode NodeClass {c}"));
}

/// <summary>-Name of the inventory cmdlets: pool names for Get-AutoModeNodePool, class names for Get-AutoModeNodeClass, none for claims.</summary>
public sealed class InventoryNameCompleter : OfflineCompleter
{
    protected override IEnumerable<(string, string)> Candidates(string commandName, string word) => commandName switch
    {
        "Get-AutoModeNodePool" => new NodePoolNameCompleter().CandidatesFor(commandName, word),
        "Get-AutoModeNodeClass" => new NodeClassNameCompleter().CandidatesFor(commandName, word),
        _ => Array.Empty<(string, string)>(),
    };
}

/// <summary>Get-AutoModeDifference -Topic: every topic of the embedded catalogue.</summary>
public sealed class DifferenceTopicCompleter : OfflineCompleter
{
    protected override IEnumerable<(string, string)> Candidates(string commandName, string word) =>
        CompletionValues.DifferenceTopics.Distinct(StringComparer.Ordinal).Select(t => (t, t));
}

/// <summary>ConvertTo-OssKarpenter -AmiAlias: family@latest for each accepted family.</summary>
public sealed class AmiAliasCompleter : OfflineCompleter
{
    protected override IEnumerable<(string, string)> Candidates(string commandName, string word) => CompletionValues.AmiAliases;
}

/// <summary>ConvertFrom-OssKarpenter -Taint: the migration taint, and the effects once "key[=value]:" is typed.</summary>
public sealed class TaintCompleter : OfflineCompleter
{
    protected override IEnumerable<(string, string)> Candidates(string commandName, string word)
    {
        int colon = word.LastIndexOf(':');
        if (colon > 0)
        {
            string keyValue = word[..colon];
            return CompletionValues.TaintEffects.Select(e => ($"{keyValue}:{e}", e));
        }

        return CompletionValues.TaintEffects.Select(e => ($"eks-auto-mode:{e}", "keeps workloads off the new Auto Mode nodes until they tolerate it"))
            .Take(1)
            .Concat(CompletionValues.TaintEffects.Select(e => ($"CriticalAddonsOnly:{e}", "the built-in system pool's taint")).Take(1));
    }
}
