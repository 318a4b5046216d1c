using System.Collections;
using System.Collections.Specialized;
using System.Management.Automation;
using EksAutoMode.Engine;
using EksAutoMode.Engine.Conversion;
using EksAutoMode.Infrastructure;

namespace EksAutoMode.Commands;

/// <summary>
/// What ConvertTo-OssKarpenter and ConvertFrom-OssKarpenter share: inputs (-Path/-LiteralPath/-Recurse, files
/// from Get-ChildItem, -InputObject text or objects), outputs (objects, -AsYaml, -OutputDirectory with atomic
/// writes and ShouldProcess) and error records. The conversion itself is the engine's ManifestConverter.
/// </summary>
public abstract class ConversionCommandBase : EksAutoModeCmdlet
{
    private static readonly string[] ManifestExtensions = { ".yaml", ".yml", ".json" };
    private readonly System.Text.StringBuilder _forYaml = new();   // only the text: the documents (and their trees) are not kept
    private readonly PipelineTextBuffer _text = new();
    private readonly HashSet<string> _writtenNames = new(StringComparer.OrdinalIgnoreCase);
    private ManifestConverter? _converter;

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Path")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ParameterSetName = "LiteralPath", ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ParameterSetName = "InputObject", ValueFromPipeline = true)]
    [AllowEmptyString]
    public object? InputObject { get; set; }

    [Parameter(ParameterSetName = "Path")]
    [Parameter(ParameterSetName = "LiteralPath")]
    public SwitchParameter Recurse { get; set; }

    [Parameter]
    public SwitchParameter AsYaml { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? OutputDirectory { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThruOtherKinds { get; set; }

    protected abstract ConversionDirection Direction { get; }

    protected abstract string Activity { get; }

    /// <summary>Builds the engine options from the cmdlet's own parameters (throws EngineException for bad values).</summary>
    protected abstract ConversionOptions BuildOptions();

    protected override void BeginProcessing()
    {
        if (AsYaml && OutputDirectory is not null)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("-AsYaml and -OutputDirectory cannot be used together: -AsYaml returns one YAML string, -OutputDirectory writes one file per document."),
                "AsYamlWithOutputDirectory", ErrorCategory.InvalidArgument, null));
        }

        try
        {
            _converter = new ManifestConverter(Direction, BuildOptions());
        }
        catch (EngineException e)
        {
            ThrowEngineError(e);
        }
    }

    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case "Path":
            case "LiteralPath":
                ConvertFiles(ResolveFiles(ParameterSetName == "Path" ? Path : LiteralPath, ParameterSetName == "LiteralPath", Recurse, ManifestExtensions));
                break;
            default:
                ProcessInputObject(InputObject);
                break;
        }
    }

    protected override void EndProcessing()
    {
        FlushText();
        if (AsYaml && _forYaml.Length > 0)
        {
            WriteObject(_forYaml.ToString());
        }

        CompleteProgress(Activity);
    }

    private void ProcessInputObject(object? input)
    {
        object? value = input is PSObject pso ? pso.BaseObject : input;
        switch (value)
        {
            case null:
                return;
            case string text:
                AddText(input, text);
                return;
            case IEnumerable list when value is not IDictionary && list.Cast<object?>().Select(o => o is PSObject p ? p.BaseObject : o).All(o => o is string):
                // -InputObject (Get-Content f.yaml) or 'yaml1', 'yaml2' (an array given as a parameter).
                foreach (object? o in list)
                {
                    AddText(o, (string)(o is PSObject p ? p.BaseObject : o)!);
                }

                return;
            case FileSystemInfo fsi:
                FlushText();
                ConvertFiles(ResolveFiles(new[] { fsi.FullName }, literal: true, recurse: Recurse, ManifestExtensions));
                return;
            default:
                FlushText();
                if (PipelineTextBuffer.CarriedText(input) is { } carried)
                {
                    // A ConversionResult (ConvertFrom-OssKarpenter | ConvertTo-OssKarpenter): convert the manifest it carries.
                    Emit(_converter!.ConvertText(carried, null, CancellationToken));
                    return;
                }

                Emit(_converter!.ConvertObject(ToPlain(input), CancellationToken));
                return;
        }
    }

    /// <summary>Strings arrive whole (Get-Content -Raw, here-strings) or line by line (Get-Content): see <see cref="PipelineTextBuffer"/>.</summary>
    private void AddText(object? input, string text)
    {
        foreach (var (whole, source) in _text.Add(text, PipelineTextBuffer.SourceOf(input, this)))
        {
            Emit(_converter!.ConvertText(whole, source, CancellationToken));
        }
    }

    private void FlushText()
    {
        foreach (var (whole, source) in _text.Flush())
        {
            Emit(_converter!.ConvertText(whole, source, CancellationToken));
        }
    }

    private void ConvertFiles(IReadOnlyList<string> files)
    {
        for (int i = 0; i < files.Count; i++)
        {
            if (files.Count > 1)
            {
                WriteItemProgress(Activity, i, files.Count, System.IO.Path.GetFileName(files[i]));
            }

            WriteVerbose($"Converting '{files[i]}'.");
            Emit(_converter!.ConvertFile(files[i], CancellationToken));
        }
    }

    private void Emit(IEnumerable<ConversionItem> items)
    {
        try
        {
            foreach (var item in items)
            {
                if (item.Error is not null)
                {
                    WriteEngineError(item.Error);
                    continue;
                }

                if (item.SkippedReason is not null)
                {
                    WriteVerbose(item.SkippedReason);
                    continue;
                }

                EmitDocument(item.Document!);
            }
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C: stop quietly; PowerShell reports the stopped pipeline.
        }
    }

    private void EmitDocument(ConvertedDocument doc)
    {
        if (doc.IsValid && AsYaml)
        {
            _forYaml.Append(ManifestConverter.JoinYaml(new[] { doc }));
            return;
        }

        var result = ToResult(doc);
        if (!doc.IsValid)
        {
            string where = doc.SourceFile is null ? $"document {doc.DocumentIndex + 1}" : $"{doc.SourceFile}:{doc.SourceLine} (document {doc.DocumentIndex + 1})";
            var record = new ErrorRecord(
                new InvalidOperationException($"{where}: the converted {doc.TargetKind}/{doc.TargetName} does not pass the {doc.TargetKind} schema: {string.Join("; ", doc.ValidationErrors)}"),
                "ConvertedDocumentInvalid", ErrorCategory.InvalidResult, result);
            record.ErrorDetails = new ErrorDetails(record.Exception.Message)
            {
                RecommendedAction = "Supply the missing values (see the Placeholder notes) and convert again. Invalid documents are left out of -AsYaml and -OutputDirectory.",
            };
            WriteError(record);
            if (!AsYaml && OutputDirectory is null)
            {
                WriteObject(result);
            }

            return;
        }

        if (OutputDirectory is not null)
        {
            string dir = GetUnresolvedProviderPathFromPSPath(OutputDirectory);
            string name = ManifestConverter.FileNameFor(doc);
            string file = System.IO.Path.Combine(dir, name);
            if (!_writtenNames.Add(name))
            {
                WriteError(new ErrorRecord(new InvalidOperationException($"Two converted documents would both be written to '{file}' ({doc.TargetKind}/{doc.TargetName}); the second one was not written."),
                    "DuplicateOutputName", ErrorCategory.ResourceExists, file));
                return;
            }

            if (!ShouldProcess(file, $"Write {doc.TargetKind}/{doc.TargetName}"))
            {
                return;
            }

            try
            {
                OutputFileWriter.WriteAtomic(file, doc.Yaml, Force);
                result.OutputPath = file;
                WriteObject(result);
            }
            catch (EngineException e)
            {
                WriteEngineError(e);
            }

            return;
        }

        WriteObject(result);
    }

    private static ConversionResult ToResult(ConvertedDocument doc) => new()
    {
        SourceFile = doc.SourceFile,
        DocumentNumber = doc.DocumentIndex + 1,
        SourceKind = doc.SourceKind,
        SourceName = doc.SourceName,
        TargetKind = doc.TargetKind,
        TargetName = doc.TargetName,
        Yaml = doc.Yaml,
        Notes = doc.Notes.Select(n => new ConversionNote
        {
            Severity = ((ConversionSeverity)(int)n.Severity).ToString(),   // same members in the same order as the engine's enums
            SourcePath = n.SourcePath,
            TargetPath = n.TargetPath,
            Action = ((ConversionAction)(int)n.Action).ToString(),
            Message = n.Message,
            SourceFile = doc.SourceFile,
            Line = n.Line,
            Column = n.Column,
        }).ToArray(),
        IsValid = doc.IsValid,
        ValidationErrors = doc.ValidationErrors.ToArray(),
        PassedThrough = doc.PassedThrough,
    };

    /// <summary>PSObjects (PSCustomObject from ConvertFrom-Json/Yaml, hashtables) to plain dictionaries and lists.</summary>
    internal static object? ToPlain(object? value, int depth = 0)
    {
        if (depth > 100)
        {
            throw new EngineException("NestingTooDeep", ErrorKind.InvalidData, "The input object is nested more than 100 levels deep.");
        }

        switch (value)
        {
            case null:
                return null;
            case PSObject pso when pso.BaseObject is PSCustomObject:
                var map = new OrderedDictionary(StringComparer.Ordinal);
                foreach (var p in pso.Properties)
                {
                    map[p.Name] = ToPlain(p.Value, depth + 1);
                }

                return map;
            case PSObject pso:
                return ToPlain(pso.BaseObject, depth + 1);
            case string or bool or ValueType:
                return value;
            case IDictionary dict:
                var copy = new OrderedDictionary(StringComparer.Ordinal);
                foreach (DictionaryEntry e in dict)
                {
                    copy[e.Key?.ToString() ?? ""] = ToPlain(e.Value, depth + 1);
                }

                return copy;
            case IEnumerable list:
                return list.Cast<object?>().Select(v => ToPlain(v, depth + 1)).ToList();
            default:
                return value.ToString();
        }
    }

    /// <summary>-SubnetSelector / -SecurityGroupSelector values: strings (ids, or names for security groups) and tag hashtables.</summary>
    protected static IReadOnlyList<SelectorTermSpec>? ToTerms(object[]? values, string idPrefix, bool allowName, string parameter)
    {
        if (values is null)
        {
            return null;
        }

        var terms = new List<SelectorTermSpec>();
        foreach (object? raw in values)
        {
            object? v = raw is PSObject p ? p.BaseObject : raw;
            switch (v)
            {
                case string s when s.StartsWith(idPrefix, StringComparison.Ordinal):
                    terms.Add(new SelectorTermSpec { Id = s });
                    break;
                case string s when allowName:
                    terms.Add(new SelectorTermSpec { Name = s });
                    break;
                case IDictionary d:
                    terms.Add(new SelectorTermSpec { Tags = d.Cast<DictionaryEntry>().ToDictionary(e => e.Key?.ToString() ?? "", e => e.Value?.ToString() ?? "", StringComparer.Ordinal) });
                    break;
                default:
                    throw new EngineException("InvalidSelector", ErrorKind.InvalidArgument,
                        $"{parameter}: '{v}' is neither an id starting with '{idPrefix}'{(allowName ? ", a security group name" : "")} nor a tag hashtable such as @{{ 'karpenter.sh/discovery' = 'my-cluster' }}.", v);
            }
        }

        return terms;
    }
}
