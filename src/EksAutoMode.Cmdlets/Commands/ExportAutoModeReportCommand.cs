using System.Management.Automation;
using EksAutoMode.Engine;
using EksAutoMode.Engine.Conversion;
using EksAutoMode.Engine.Inventory;
using EksAutoMode.Engine.Kubernetes;
using EksAutoMode.Engine.Pricing;
using EksAutoMode.Engine.Readiness;
using EksAutoMode.Engine.Reporting.Html;
using EksAutoMode.Infrastructure;

namespace EksAutoMode.Commands;

/// <summary>
/// Writes one self-contained HTML page (or one JSON document) about Auto Mode fleets: fleet summary, EC2 and fee
/// cost, the expiry timeline, readiness and IAM findings, validation findings and stuck NodeClaims. It reads the
/// clusters itself (-ClusterName, or the kubeconfig) or reports the module's objects given on the pipeline.
/// </summary>
[Cmdlet(VerbsData.Export, "AutoModeReport", DefaultParameterSetName = PathSet, SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportAutoModeReportCommand : ClusterFanOutCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    private readonly FleetReportInput _input = new();
    private PriceCatalogue _prices = PriceCatalogue.EmbeddedOnly;
    private string _target = string.Empty;
    private int _given;

    /// <summary>Objects to report: nodes, NodePools, NodeClasses, NodeClaims, readiness/IAM findings, validation findings, cost lines.</summary>
    [Parameter(ValueFromPipeline = true)]
    [AllowNull]
    public PSObject? InputObject { get; set; }

    /// <summary>The clusters to read (names or cluster objects); not bound from the pipeline, where objects are report input.</summary>
    [Parameter]
    [ClusterNameTransformation]
    [ValidateNotNullOrEmpty]
    public new string[]? ClusterName
    {
        get => base.ClusterName;
        set => base.ClusterName = value;
    }

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string LiteralPath { get; set; } = string.Empty;

    [Parameter]
    [ValidateSet("Html", "Json")]
    public string Format { get; set; } = "Html";

    /// <summary>Discount on on-demand EC2 (fraction or percentage), as Measure-AutoModeCost -Ec2Discount.</summary>
    [Parameter]
    [Alias("Discount")]
    [DiscountTransformation]
    [ValidateDiscount]
    public double Ec2Discount { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Title { get; set; } = "EKS Auto Mode report";

    /// <summary>Also runs Test-AutoModeIamRole's checks for each cluster the report reads (needs an AWS session).</summary>
    [Parameter]
    public SwitchParameter IncludeIamAudit { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override bool WantsAwsForKubeConfig => true;

    protected override void BeginProcessing()
    {
        _target = ResolveOutputFile(ParameterSetName == LiteralPathSet ? LiteralPath : Path, literal: ParameterSetName == LiteralPathSet);

        // Fail before reading any cluster: an existing report is replaced only with -Force.
        if (!Force && File.Exists(_target))
        {
            ThrowExists(_target);
        }

        _prices = PriceCatalogue.Load();
        foreach (EngineException warning in _prices.LoadWarnings)
        {
            WriteWarning(warning.Message);
        }

        base.BeginProcessing();
    }

    protected override void ProcessRecord()
    {
        if (InputObject is not null)
        {
            Add(InputObject);
        }

        // Read clusters when asked (-ClusterName, -KubeConfigPath/-Context) or when nothing is given at all (the kubeconfig's cluster).
        bool inputGiven = MyInvocation.ExpectingInput || MyInvocation.BoundParameters.ContainsKey(nameof(InputObject));
        if (UsesKubeConfig || ClusterName is { Length: > 0 } || !inputGiven)
        {
            base.ProcessRecord();
        }
    }

    protected override async Task ReadClusterAsync(ClusterTarget target, KubernetesListReader reader, ClusterSink sink, CancellationToken cancellationToken)
    {
        await GetAutoModeNodeCommand.ReadNodesAsync(target, reader, sink, _prices, offline: false, filter: null, cancellationToken).ConfigureAwait(false);
        sink.Progress(target.Name, "Reading NodePools, NodeClasses and NodeClaims", null);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        AutoModeObjects objects = await new InventoryDiagnosis(reader).ReadAsync(target.Name, AutoModeObjectKinds.All, now, cancellationToken).ConfigureAwait(false);
        foreach (NodePoolInfo pool in objects.NodePools) sink.Emit(InventoryMapping.ToOutput(pool));
        foreach (NodeClassInfo nodeClass in objects.NodeClasses) sink.Emit(InventoryMapping.ToOutput(nodeClass));
        foreach (NodeClaimInfo claim in objects.NodeClaims) sink.Emit(InventoryMapping.ToOutput(claim, now));
        if (IncludeIamAudit)
        {
            await AuditIamAsync(target, sink, cancellationToken).ConfigureAwait(false);
        }

        sink.Emit(new ReportClusterRead(target.Name, DateTimeOffset.UtcNow, target.Session?.Region));
    }

    /// <summary>Test-AutoModeIamRole's checks for one cluster (roles from DescribeCluster, NodeClass roles and tag requests from Kubernetes).</summary>
    private async Task AuditIamAsync(ClusterTarget target, ClusterSink sink, CancellationToken cancellationToken)
    {
        if (target.Session is not { } session)
        {
            sink.Warning($"[{target.Name}] -IncludeIamAudit needs AWS: give -ClusterName, or an AWS parameter (-Region, -ProfileName, …) with -KubeConfigPath.");
            return;
        }

        sink.Progress(target.Name, "Auditing IAM roles", null);
        // Through EKS the target opens a connection of its own; a kubeconfig target hands out the shared one, which the base disposes.
        bool own = !UsesKubeConfig && ClusterName is { Length: > 0 };
        KubernetesConnection connection = await target.Connect(cancellationToken).ConfigureAwait(false);
        try
        {
            var source = new LiveReadinessSource(connection, session, ClusterName is { Length: > 0 } ? target.Name : null, line => sink.Verbose($"[{target.Name}] {line}"));
            var audit = new IamAudit(session, new IamAuditInput { Cluster = source }, DateTimeOffset.UtcNow);
            foreach (ReadinessResult result in await audit.RunAsync(ReadinessOutput.Filter(null, null, null), cancellationToken).ConfigureAwait(false))
            {
                sink.Emit(ReadinessOutput.Finding(result, target.Name, result.PolicyJson));
            }
        }
        finally
        {
            if (own)
            {
                connection.Dispose();
            }
        }
    }

    protected override void WriteResult(object value)
    {
        if (value is ReportClusterRead read)
        {
            _input.Collected.Add(read);
            return;
        }

        Add(PSObject.AsPSObject(value));
    }

    protected override void EndProcessing()
    {
        base.EndProcessing();
        if (!ShouldProcess(_target, $"Write a {Format} report of {_input.Nodes.Count} node(s), {_input.Checks.Count + _input.Validations.Count} finding(s) and {_input.CostLines.Count} cost line(s)"))
        {
            return;
        }

        string text;
        try
        {
            FleetReport report = FleetReportBuilder.Build(_input, _prices, new FleetReportOptions
            {
                Title = Title,
                Ec2Discount = (decimal)Ec2Discount,
                DefaultRegion = PricingMapping.DefaultRegion(null),
                ToolVersion = ToolVersion,
            }, CancellationToken);
            text = Format == "Json" ? JsonReportWriter.Render(report) : HtmlReportWriter.Render(report);
            ClearReadOnly(_target, Force);
            OutputFileWriter.WriteAtomic(_target, text, overwrite: Force);
        }
        catch (EngineException e) when (e.ErrorId == "OutputFileExists")
        {
            ThrowExists(_target);
            return;
        }
        catch (EngineException e)
        {
            ThrowEngineError(e);
            return;
        }

        WriteVerbose($"Wrote the {Format} report ({text.Length:N0} characters; {_given} object(s) given, {_input.Collected.Count} cluster(s) read) to '{_target}'.");
        if (PassThru)
        {
            WriteObject(new FileInfo(_target));
        }
    }

    private void Add(PSObject input)
    {
        foreach (PSObject item in InputElements(input))
        {
            AddOne(item);
        }
    }

    private void AddOne(PSObject item)
    {
        _given++;
        if (!ReportInputReader.TryAdd(_input, item))
        {
            string type = item.TypeNames.Count > 0 ? item.TypeNames[0] : item.BaseObject.GetType().FullName ?? "object";
            WriteError(new ErrorRecord(new ArgumentException($"Export-AutoModeReport does not report {type} objects."), "ReportInputNotRecognized", ErrorCategory.InvalidArgument, item)
            {
                ErrorDetails = new ErrorDetails($"Export-AutoModeReport does not report {DisplayText.Escape(type)} objects.")
                {
                    RecommendedAction = "Pipe the output of Get-AutoModeNode, Get-AutoModeNodePool, Get-AutoModeNodeClass, Get-AutoModeNodeClaim, Test-AutoModeReadiness, Test-AutoModeIamRole, Test-AutoModeManifest or Measure-AutoModeCost (lines, not -Summary).",
                },
            });
        }
    }

    private void ThrowExists(string target) =>
        ThrowTerminatingError(new ErrorRecord(new IOException($"'{target}' already exists. Use -Force to overwrite it."), "OutputFileExists", ErrorCategory.ResourceExists, target)
        {
            ErrorDetails = new ErrorDetails($"'{target}' already exists. Use -Force to overwrite it.") { RecommendedAction = "Add -Force to replace the report, or choose another -Path." },
        });
}
