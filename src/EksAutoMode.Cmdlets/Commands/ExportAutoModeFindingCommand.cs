using System.Collections;
using System.Globalization;
using System.Management.Automation;
using EksAutoMode.Engine;
using EksAutoMode.Engine.Conversion;
using EksAutoMode.Engine.Reporting;
using EksAutoMode.Infrastructure;

namespace EksAutoMode.Commands;

/// <summary>
/// Writes findings from the pipeline as SARIF, JUnit XML or GitHub Actions workflow commands, to a file
/// (atomically) or to the pipeline. Findings are read by property name, so any finding-shaped object works.
/// </summary>
[Cmdlet(VerbsData.Export, "AutoModeFinding", DefaultParameterSetName = PipelineSet, SupportsShouldProcess = true)]
[OutputType(typeof(string))]
public sealed class ExportAutoModeFindingCommand : EksAutoModeCmdlet
{
    private const string PipelineSet = "ToPipeline";
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    private readonly List<ReportFinding> _findings = new();

    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [AllowNull]
    public PSObject? InputObject { get; set; }

    [Parameter(Mandatory = true)]
    [ValidateSet("Sarif", "JUnit", "GitHubActions")]
    public string Format { get; set; } = string.Empty;

    // Not bound from the pipeline: findings have a Path property (the field path inside the manifest).
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string LiteralPath { get; set; } = string.Empty;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? BasePath { get; set; }

    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    public SwitchParameter Force { get; set; }

    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [Alias("NoOverwrite")]
    public SwitchParameter NoClobber { get; set; }

    protected override void ProcessRecord()
    {
        if (InputObject is null)
        {
            return;
        }

        foreach (PSObject item in InputElements(InputObject))
        {
            Add(item);
        }
    }

    protected override void EndProcessing()
    {
        var format = Enum.Parse<ReportFormat>(Format, ignoreCase: true);
        var options = new ReportOptions
        {
            BaseDirectory = ResolveBase(),
            ToolVersion = ToolVersion,
        };

        if (ParameterSetName == PipelineSet)
        {
            if (format == ReportFormat.GitHubActions)
            {
                foreach (string line in GitHubActionsReport.Write(_findings, options))
                {
                    WriteObject(line);
                }
            }
            else
            {
                WriteObject(FindingReport.Render(format, _findings, options));
            }

            return;
        }

        string target = ResolveOutputFile(ParameterSetName == LiteralPathSet ? LiteralPath : Path, literal: ParameterSetName == LiteralPathSet);

        if (!ShouldProcess(target, $"Write {_findings.Count} finding(s) as {Format}"))
        {
            return;
        }

        if (NoClobber && File.Exists(target))
        {
            ThrowExists(target);
        }

        ClearReadOnly(target, Force);

        string text = FindingReport.Render(format, _findings, options);
        try
        {
            OutputFileWriter.WriteAtomic(target, text, overwrite: !NoClobber);
        }
        catch (EngineException e) when (e.ErrorId == "OutputFileExists")
        {
            ThrowExists(target);
        }
        catch (EngineException e)
        {
            ThrowEngineError(e);
        }

        WriteVerbose($"Wrote {_findings.Count} finding(s) as {Format} to '{target}'.");
    }

    private void Add(PSObject item)
    {
        var properties = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        if (item.BaseObject is IDictionary dictionary)
        {
            foreach (DictionaryEntry e in dictionary)
            {
                string key = Convert.ToString(e.Key, CultureInfo.InvariantCulture) ?? string.Empty;
                properties.TryAdd(key, Plain(e.Value));
            }
        }
        else
        {
            foreach (var p in item.Properties)
            {
                if (PropertyValues.TryValue(p, out object? value))
                {
                    properties.TryAdd(p.Name, Plain(value));
                }
            }
        }

        try
        {
            _findings.Add(ReportFinding.FromProperties(properties));
        }
        catch (EngineException e)
        {
            WriteError(new ErrorRecord(e, e.ErrorId, ErrorCategory.InvalidArgument, item)
            {
                ErrorDetails = new ErrorDetails($"{e.Message} (got {Describe(item)})") { RecommendedAction = e.RecommendedAction },
            });
        }
    }

    /// <summary>Values as the writers read them: text for enums and scalars, lists and maps joined (Evidence).</summary>
    private static object? Plain(object? value)
    {
        value = value is PSObject pso ? pso.BaseObject : value;
        switch (value)
        {
            case null or string or int or long:
                return value;
            case IDictionary map:
                return string.Join("; ", map.Cast<DictionaryEntry>().Select(e => $"{Convert.ToString(e.Key, CultureInfo.InvariantCulture)}={Convert.ToString(Plain(e.Value), CultureInfo.InvariantCulture)}"));
            case IEnumerable list:
                return string.Join("; ", list.Cast<object?>().Select(x => Convert.ToString(Plain(x), CultureInfo.InvariantCulture)));
            case PSCustomObject:
                return LanguagePrimitives.ConvertTo<string>(value);
            default:
                return Convert.ToString(value, CultureInfo.InvariantCulture);
        }
    }

    private static string Describe(PSObject item)
    {
        object value = item.BaseObject;
        return value is string or ValueType ? $"{value.GetType().Name} '{Truncate(Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty)}'" : value.GetType().FullName ?? "an object";
    }

    private static string Truncate(string text) => text.Length <= 60 ? text : text[..60] + "…";

    private string ResolveBase()
    {
        if (BasePath is null)
        {
            return SessionState.Path.CurrentFileSystemLocation.ProviderPath;
        }

        string resolved = GetUnresolvedProviderPathFromPSPath(BasePath);
        if (!Directory.Exists(resolved))
        {
            ThrowTerminatingError(new ErrorRecord(new ItemNotFoundException($"-BasePath '{BasePath}' is not an existing directory."),
                "BasePathNotFound", ErrorCategory.ObjectNotFound, BasePath));
        }

        return resolved;
    }

    private void ThrowExists(string target) =>
        ThrowTerminatingError(new ErrorRecord(new IOException($"'{target}' already exists and -NoClobber was given."),
            "OutputFileExists", ErrorCategory.ResourceExists, target)
        {
            ErrorDetails = new ErrorDetails($"'{target}' already exists and -NoClobber was given.") { RecommendedAction = "Remove -NoClobber to overwrite it, or choose another -Path." },
        });
}
