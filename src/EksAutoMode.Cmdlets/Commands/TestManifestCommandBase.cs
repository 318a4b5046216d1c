using System.Collections;
using System.Collections.Specialized;
using System.Management.Automation;
using EksAutoMode.Engine;
using EksAutoMode.Engine.Manifests;
using EksAutoMode.Engine.Validation;
using EksAutoMode.Infrastructure;

namespace EksAutoMode.Commands;

/// <summary>
/// Shared body of Test-NodeClassSpec, Test-NodePoolSpec and Test-AutoModeManifest: binds the inputs, runs the
/// engine's <see cref="ValidationRun"/>, and writes findings (or one bool with -Quiet).
/// </summary>
public abstract class TestManifestCommandBase : EksAutoModeCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private const string InputObjectSet = "InputObject";
    private static readonly string[] ManifestExtensions = { ".yaml", ".yml", ".json" };

    private ValidationRun? _run;
    private int _fileIndex;
    private readonly System.Diagnostics.Stopwatch _progressClock = System.Diagnostics.Stopwatch.StartNew();

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ParameterSetName = InputObjectSet, ValueFromPipeline = true)]
    [AllowEmptyString]
    public object? InputObject { get; set; }

    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    public SwitchParameter Recurse { get; set; }

    [Parameter]
    [ValidateSet("AutoMode", "Karpenter")]
    public string? Target { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? CrdPath { get; set; }

    [Parameter]
    public SwitchParameter Quiet { get; set; }

    [Parameter]
    public SwitchParameter Strict { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Which documents this cmdlet checks (others are skipped, reported with -Verbose).</summary>
    protected abstract bool Covers(ManifestDocument document);

    protected abstract string Activity { get; }

    protected override void BeginProcessing()
    {
        SchemaSet? custom = null;
        if (CrdPath is not null)
        {
            custom = new SchemaSet();
            foreach (string crd in CrdPath)
            {
                try
                {
                    foreach (string file in ResolveFiles(new[] { crd }, literal: false, recurse: false, ManifestExtensions))
                    {
                        custom.AddRange(SchemaSet.LoadCrdFile(file));
                        WriteVerbose($"Using the CRD schema(s) in '{file}'.");
                    }
                }
                catch (EngineException e)
                {
                    ThrowEngineError(e);
                }
            }
        }

        var target = Target switch
        {
            "AutoMode" => ValidationTarget.AutoMode,
            "Karpenter" => ValidationTarget.Karpenter,
            _ => ValidationTarget.Auto,
        };
        _run = new ValidationRun(new ValidationOptions { Target = target, CustomSchemas = custom }, Covers, Strict.IsPresent);
        _run.Skipped += d => WriteVerbose($"Skipped {d.ApiVersion} {d.Kind} '{d.Name}' ({Where(d.SourceFile, d.Line)}): not a kind {MyInvocation.MyCommand.Name} checks.");
    }

    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case PathSet:
                ValidateFiles(ResolveFiles(Path, literal: false, Recurse.IsPresent, ManifestExtensions));
                break;
            case LiteralPathSet:
                ValidateFiles(ResolveFiles(LiteralPath, literal: true, Recurse.IsPresent, ManifestExtensions));
                break;
            default:
                ValidateObject(InputObject);
                break;
        }
    }

    protected override void EndProcessing()
    {
        CompleteProgress(Activity);
        if (_run is null)
        {
            return;
        }

        Emit(_run.Finish());
        if (Quiet)
        {
            WriteObject(!_run.Failed);
        }
    }

    private void ValidateFiles(IReadOnlyList<string> files)
    {
        foreach (string file in files)
        {
            CancellationToken.ThrowIfCancellationRequested();
            if (files.Count > 1 && (_progressClock.ElapsedMilliseconds >= 250 || _fileIndex == 0))
            {
                // Throttled: progress records are costly in some hosts, and hundreds per second help no one.
                _progressClock.Restart();
                WriteItemProgress(Activity, _fileIndex, files.Count, file);
            }

            _fileIndex++;
            WriteVerbose($"Validating '{file}'.");
            Emit(_run!.AddFile(file));
        }
    }

    private void ValidateObject(object? input)
    {
        object? value = input is PSObject pso ? pso.BaseObject : input;
        switch (value)
        {
            case null:
                return;
            case FileSystemInfo fsi:
                ValidateFiles(ResolveFiles(new[] { fsi.FullName }, literal: true, Recurse.IsPresent, ManifestExtensions));
                return;
            case string text:
                if (text.Length > 0 && text.Length < 1024 && text.IndexOfAny(new[] { '\n', '\r' }) < 0 && !text.TrimStart().StartsWith('{') && LooksLikeExistingPath(text))
                {
                    ValidateFiles(ResolveFiles(new[] { text }, literal: false, Recurse.IsPresent, ManifestExtensions));
                    return;
                }

                Emit(_run!.AddText(text));
                return;
            case ManifestDocument or ManifestNode:
                Emit(_run!.AddObject(value));
                return;
        }

        // Objects that carry manifest text (e.g. conversion results): a string Yaml or Json property.
        if (input is PSObject carrier && value is not IDictionary && (carrier.Properties["Yaml"]?.Value ?? carrier.Properties["Json"]?.Value) is string carried)
        {
            Emit(_run!.AddText(carried));
            return;
        }

        object? plain;
        try
        {
            plain = ToPlain(input, 0);
        }
        catch (EngineException e)
        {
            WriteEngineError(e);
            return;
        }

        Emit(_run!.AddObject(plain));
    }

    private bool LooksLikeExistingPath(string text)
    {
        try
        {
            return SessionState.Path.CurrentFileSystemLocation is not null
                && InvokeProvider.Item.Exists(text, force: false, literalPath: false);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or ProviderNotFoundException or System.Management.Automation.DriveNotFoundException or ItemNotFoundException or PSNotSupportedException or PSArgumentException)
        {
            return false;
        }
    }

    /// <summary>PSCustomObject / hashtable / array graphs (as from ConvertFrom-Json) to plain dictionaries and lists.</summary>
    private static object? ToPlain(object? value, int depth)
    {
        if (depth > 100)
        {
            throw new EngineException("NestingTooDeep", ErrorKind.InvalidData, "The input object is nested more than 100 levels deep (or refers to itself); refused.");
        }

        if (value is PSObject pso)
        {
            if (pso.BaseObject is PSCustomObject)
            {
                var map = new OrderedDictionary(StringComparer.Ordinal);
                foreach (var p in pso.Properties)
                {
                    if (p.MemberType is PSMemberTypes.NoteProperty or PSMemberTypes.Property)
                    {
                        map[p.Name] = ToPlain(p.Value, depth + 1);
                    }
                }

                return map;
            }

            value = pso.BaseObject;
        }

        switch (value)
        {
            case null or string or ValueType:
                return value;
            case IDictionary dict:
            {
                var map = new OrderedDictionary(StringComparer.Ordinal);
                foreach (DictionaryEntry e in dict)
                {
                    map[Convert.ToString(e.Key, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty] = ToPlain(e.Value, depth + 1);
                }

                return map;
            }

            case IEnumerable list:
                return list.Cast<object?>().Select(x => ToPlain(x, depth + 1)).ToList();
            default:
                return value;
        }
    }

    private void Emit(IReadOnlyList<DocumentResult> results)
    {
        foreach (var result in results)
        {
            if (result.Findings.Count == 0 && result.Document is not null)
            {
                if (PassThru && !Quiet)
                {
                    var d = result.Document;
                    WriteObject(new ValidationFinding
                    {
                        RuleId = "OK",
                        Severity = ValidationSeverity.Info,
                        Kind = d.Kind,
                        Name = d.Name,
                        ApiVersion = d.ApiVersion,
                        Message = $"{d.Kind} '{d.Name}' is valid for {ManifestValidator.ResolveTarget(d, _run!.Options)}",
                        File = d.SourceFile ?? result.Source,
                        Line = d.Line,
                        Column = d.Column,
                        DocumentIndex = d.DocumentIndex,
                        Target = ManifestValidator.ResolveTarget(d, _run.Options).ToString(),
                    });
                }

                continue;
            }

            Emit(result.Findings);
        }
    }

    private void Emit(IReadOnlyList<ManifestFinding> findings)
    {
        if (Quiet)
        {
            return;
        }

        foreach (var f in findings)
        {
            WriteObject(new ValidationFinding
            {
                RuleId = f.RuleId,
                Severity = (ValidationSeverity)(int)f.Severity,
                Kind = f.Kind,
                Name = f.Name,
                Path = f.Path,
                Message = f.Message,
                ApiServerText = f.ApiServerText,
                Hint = f.Hint,
                File = f.File,
                Line = f.Line,
                Column = f.Column,
                SourceUrl = f.SourceUrl,
                AsOf = f.AsOf,
                ApiVersion = f.ApiVersion,
                Target = f.Target,
                DocumentIndex = f.DocumentIndex,
            });
        }
    }

    private static string Where(string? file, int line) => (file ?? "<input>") + (line > 0 ? ":" + line : string.Empty);
}
