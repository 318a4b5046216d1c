using System.Management.Automation;
using EksAutoMode.Engine.Knowledge;
using EksAutoMode.Infrastructure;
using EksAutoMode.Completers;

namespace EksAutoMode.Commands;

/// <summary>Lists how EKS Auto Mode differs from standard mode, each fact with its source and as-of date.</summary>
[Cmdlet(VerbsCommon.Get, "AutoModeDifference")]
[OutputType(typeof(AutoModeDifference))]
public sealed class GetAutoModeDifferenceCommand : EksAutoModeCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    public DifferenceArea[]? Area { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public DifferenceImpact[]? Impact { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(DifferenceTopicCompleter))]
    public string[]? Topic { get; set; }

    protected override void ProcessRecord()
    {
        var topics = Topic?.Select(t => WildcardPattern.Get(t, WildcardOptions.IgnoreCase)).ToArray();
        int matched = 0;
        foreach (var fact in DifferenceCatalog.All)
        {
            var area = Enum.Parse<DifferenceArea>(fact.Area);
            var impact = Enum.Parse<DifferenceImpact>(fact.Impact);
            if ((Area is { Length: > 0 } && !Area.Contains(area))
                || (Impact is { Length: > 0 } && !Impact.Contains(impact))
                || (topics is not null && !topics.Any(p => p.IsMatch(fact.Topic))))
            {
                continue;
            }

            matched++;
            WriteObject(new AutoModeDifference
            {
                Area = area.ToString(),
                Topic = fact.Topic,
                StandardMode = fact.StandardMode,
                AutoMode = fact.AutoMode,
                Impact = impact.ToString(),
                AsOf = fact.AsOf,
                SourceUrl = fact.SourceUrl,
                History = fact.History.Select(h => new AutoModeDifferenceHistory { AsOf = h.AsOf, AutoMode = h.AutoMode, SourceUrl = h.SourceUrl }).ToArray(),
            });
        }

        // A topic given without wildcards that matches nothing is most likely a typo: say so, as Get-Command does.
        if (matched == 0 && Topic is not null && Topic.All(t => !WildcardPattern.ContainsWildcardCharacters(t)))
        {
            WriteError("TopicNotFound", ErrorCategory.ObjectNotFound,
                $"No Auto Mode difference has the topic '{string.Join("', '", Topic)}'. Use wildcards (for example -Topic '*pod*') or run Get-AutoModeDifference without -Topic to list all topics.",
                string.Join(",", Topic));
        }
    }
}
