using System.Collections;
using System.Collections.Specialized;
using System.Management.Automation;
using EksAutoMode.Completers;
using EksAutoMode.Engine;
using EksAutoMode.Engine.Manifests;
using EksAutoMode.Engine.Validation;
using EksAutoMode.Infrastructure;

namespace EksAutoMode.Commands;

/// <summary>
/// Shared body of Test-NodeClassSpec, Test-NodePoolSpec and Test-AutoModeManifest: binds the inputs, runs the
/// engine's <see cref="ValidationRun"/>, and writes findings (or one bool with -Quiet). Schemas: -CrdPath, else the
/// cluster's own CRDs (-ClusterName, -KubeConfigPath or -Context, through <see cref="KubernetesCmdlet"/>'s
/// connection), else the bundled ones of -KarpenterVersion. Offline unless a connection parameter is given.
/// </summary>
public abstract class TestManifestCommandBase : KubernetesCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private const string InputObjectSet = "InputObject";
    private static readonly string[] ManifestExtensions = { ".yaml", ".yml", ".json" };

    private ValidationRun? _run;
    private readonly PipelineTextBuffer _text = new();
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

    /// <summary>The bundled OSS Karpenter CRD schemas (EC2NodeClass, NodePool) to validate against; default the newest.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(KarpenterVersionCompleter))]
    [ValidateKarpenterVersion]
    public string? KarpenterVersion { get; set; }

    // The connection parameters come from KubernetesCmdlet (with the AWS common parameters of AwsCmdlet). These three
    // are re-declared only to change their binding: here position 0 is -Path and the pipeline carries manifests, and
    // the cluster's CRDs are read once before the first input, so none of them binds from the pipeline.

    /// <summary>The EKS cluster whose served CRDs to validate against (DescribeCluster with the AWS common parameters).</summary>
    [Parameter]
    [ClusterNameTransformation]
    [ValidateCount(1, 1)]
    [ValidateNotNullOrEmpty]
    public new string[]? ClusterName { get => base.ClusterName; set => base.ClusterName = value; }

    /// <summary>A kubeconfig whose (current or -Context) cluster's served CRDs to validate against.</summary>
    [Parameter]
    [Alias("KubeConfig")]
    public new string? KubeConfigPath { get => base.KubeConfigPath; set => base.KubeConfigPath = value; }

    /// <summary>The kubeconfig context (in -KubeConfigPath, else KUBECONFIG or ~/.kube/config) whose cluster to read.</summary>
    [Parameter]
    [Alias("KubeContext")]
    public new string? Context { get => base.Context; set => base.Context = value; }

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
        ManifestValidator.BeginWarmUp(KarpenterVersion);
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

        string version = KarpenterVersions.Resolve(KarpenterVersion);
        if (ReadClusterSchemas(version) is { } cluster)
        {
            // -CrdPath still wins for the kinds it defines.
            if (custom is not null)
            {
                cluster.AddRange(custom);
            }

            custom = cluster;
        }

        foreach (var kind in custom?.Kinds ?? Enumerable.Empty<KindSchema>())
        {
            WriteVerbose($"Schema for {kind.ApiVersion} {kind.Kind}: {kind.SourceLabel}.");
        }

        WriteVerbose($"Other kinds: the bundled schemas (EC2NodeClass and NodePool of Karpenter {version}{(KarpenterVersion is null ? ", the newest bundled" : string.Empty)}; NodePools for Auto Mode with the Auto Mode overlay; NodeClass as EKS Auto Mode serves it).");
        var target = Target switch
        {
            "AutoMode" => ValidationTarget.AutoMode,
            "Karpenter" => ValidationTarget.Karpenter,
            _ => ValidationTarget.Auto,
        };
        var options = new ValidationOptions { Target = target, CustomSchemas = custom, KarpenterVersion = version };
        _run = new ValidationRun(options, Covers, Strict.IsPresent, new ManifestReaderOptions { CancellationToken = CancellationToken });
        _run.Skipped += d =>
        {
            string text = DisplayText.Escape($"Skipped {d.ApiVersion} {d.Kind} '{d.Name}' ({Where(d.SourceFile, d.Line)}): not a kind {MyInvocation.MyCommand.Name} checks.");
            if (ManifestValidator.IsCovered(d, options))
            {
                WriteVerbose(text);   // a checked kind that another of the three cmdlets checks
            }
            else
            {
                WriteDebug(text);     // Deployments, ConfigMaps, …: expected in a GitOps folder
            }
        };
    }

    /// <summary>
    /// With -ClusterName, -KubeConfigPath or -Context: the schemas of the CRDs the cluster serves (null when it serves
    /// none of them). A CRD it does not serve is a warning, and its kinds fall back to the bundled schema. Failing to
    /// connect or to read is a terminating error: a gate asked to use the cluster must not silently use something else.
    /// </summary>
    private SchemaSet? ReadClusterSchemas(string version)
    {
        if (ClusterName is null && !UsesKubeConfig)
        {
            return null;
        }

        var connection = GetKubernetesConnection();
        ClusterSchemaRead read;
        try
        {
            read = RunAws(ct => ClusterSchemas.ReadAsync(connection, null, ct));
        }
        catch (EngineException e)
        {
            ThrowEngineError(e);
            throw; // unreachable
        }

        foreach (string crd in read.Used)
        {
            WriteVerbose($"Read the CRD {crd} from {read.SourceLabel} ({connection.Server}).");
        }

        foreach (var (crd, reason) in read.NotUsed)
        {
            WriteWarning($"{read.SourceLabel}: {crd}: {reason}. Its kind is validated against the bundled schema instead (Karpenter {version} for OSS kinds; see each finding's SchemaSource).");
        }

        return read.Schemas;
    }

    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case PathSet:
                ValidatePaths(Path, literal: false);
                break;
            case LiteralPathSet:
                ValidatePaths(LiteralPath, literal: true);
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

        FlushText();
        Emit(_run.Finish());
        if (_run.DocumentsChecked == 0 && !_run.Failed)
        {
            // Fail closed: a gate that looked at nothing must not say "pass".
            Emit(new[]
            {
                _run.AddInputError("NoManifestChecked", ErrorKind.ObjectNotFound,
                    $"No {CheckedKinds} was found in the input, so nothing was checked ({_run.DocumentsSkipped} other document(s) skipped; use -Debug to list them).", null),
            });
        }

        if (Quiet)
        {
            WriteObject(_run.Passed);
        }
    }

    /// <summary>The kinds this cmdlet checks, for messages.</summary>
    protected virtual string CheckedKinds => "NodeClass, EC2NodeClass or NodePool";

    /// <summary>-Path/-LiteralPath: each path must exist and hold at least one YAML/JSON document.</summary>
    private void ValidatePaths(IEnumerable<string> paths, bool literal)
    {
        foreach (string path in paths)
        {
            bool missing = false;
            var files = ResolveFiles(new[] { path }, literal, Recurse.IsPresent, ManifestExtensions, _ => missing = true);
            if (missing)
            {
                // The PathNotFound error record is written by ResolveFiles; the run records the failure and the finding.
                EmitFindings(_run!.AddInputError("PathNotFound", ErrorKind.ObjectNotFound, $"Cannot find path '{path}' because it does not exist.", path).Findings);
                continue;
            }

            if (files.Count == 0)
            {
                Emit(new[]
                {
                    _run!.AddInputError("NoManifestFound", ErrorKind.ObjectNotFound,
                        $"'{path}' has no .yaml, .yml or .json file{(Recurse ? string.Empty : " (add -Recurse to look in subfolders)")}.", path),
                });
                continue;
            }

            int before = _run!.ItemsRead;
            ValidateFiles(files);
            if (_run.ItemsRead == before)
            {
                Emit(new[] { _run.AddInputError("NoManifestFound", ErrorKind.InvalidData, $"'{path}' holds no YAML or JSON document (it is empty or only comments).", files.Count == 1 ? files[0] : path) });
            }
        }
    }

    private void ValidateFiles(IReadOnlyList<string> files)
    {
        FlushText();
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
            case string text:
                AddString(input, text);
                return;
            case IEnumerable list when value is not IDictionary && list.Cast<object?>().All(o => (o is PSObject p ? p.BaseObject : o) is string):
                // -InputObject (Get-Content f.yaml): an array of lines, joined like pipeline lines.
                foreach (object? o in list)
                {
                    AddString(o, (string)(o is PSObject p ? p.BaseObject : o)!);
                }

                return;
        }

        FlushText();
        switch (value)
        {
            case FileSystemInfo fsi:
                ValidatePaths(new[] { fsi.FullName }, literal: true);
                return;
            case ManifestDocument or ManifestNode:
                Emit(_run!.AddObject(value));
                return;
        }

        // Objects that carry manifest text (e.g. conversion results): a string Yaml or Json property.
        if (PipelineTextBuffer.CarriedText(input) is { } carried)
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
            Emit(new[] { _run!.AddInputError(e.ErrorId, e.Kind, e.Message, null) });
            return;
        }

        Emit(_run!.AddObject(plain));
    }

    /// <summary>A string from the pipeline: a path to an existing file or folder, or (a line of) manifest text.</summary>
    private void AddString(object? input, string text)
    {
        string? source = PipelineTextBuffer.SourceOf(input, this);
        if (source is null && text.Length > 0 && text.Length < 1024 && text.IndexOfAny(new[] { '\n', '\r' }) < 0
            && !text.TrimStart().StartsWith('{') && LooksLikeExistingPath(text))
        {
            FlushText();
            ValidatePaths(new[] { text }, literal: false);
            return;
        }

        foreach (var (whole, from) in _text.Add(text, source))
        {
            Emit(_run!.AddText(whole, from));
        }
    }

    private void FlushText()
    {
        foreach (var (whole, from) in _text.Flush())
        {
            Emit(_run!.AddText(whole, from));
        }
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
            foreach (var error in result.InputErrors)
            {
                WriteEngineError(error);
            }

            if (result.Findings.Count == 0 && result.Document is not null)
            {
                if (PassThru && !Quiet)
                {
                    var d = result.Document;
                    WriteObject(new ValidationFinding
                    {
                        RuleId = "OK",
                        Severity = nameof(ValidationSeverity.Info),
                        Kind = DisplayText.EscapeOrNull(d.Kind),
                        Name = DisplayText.EscapeOrNull(d.Name),
                        ApiVersion = DisplayText.EscapeOrNull(d.ApiVersion),
                        Message = DisplayText.Escape($"{d.Kind} '{d.Name}' is valid for {ManifestValidator.ResolveTarget(d, _run!.Options)}"),
                        File = d.SourceFile ?? result.Source,
                        Line = d.Line,
                        Column = d.Column,
                        DocumentIndex = d.DocumentIndex,
                        Target = ManifestValidator.ResolveTarget(d, _run.Options).ToString(),
                        SchemaSource = DisplayText.EscapeOrNull(ManifestValidator.SchemaSourceOf(d, _run.Options)),
                    });
                }

                continue;
            }

            EmitFindings(result.Findings);
        }
    }

    private void Emit(IReadOnlyList<ManifestFinding> findings) => EmitFindings(findings);

    private void EmitFindings(IReadOnlyList<ManifestFinding> findings)
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
                Severity = ((ValidationSeverity)(int)f.Severity).ToString(),
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
                SchemaSource = f.SchemaSource,
                DocumentIndex = f.DocumentIndex,
                Origin = f.Origin,
            });
        }
    }

    private static string Where(string? file, int line) => (file ?? "<input>") + (line > 0 ? ":" + line : string.Empty);
}
