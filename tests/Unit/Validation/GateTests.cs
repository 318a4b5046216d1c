using EksAutoMode.Engine;
using EksAutoMode.Engine.Manifests;
using EksAutoMode.Engine.Validation;

namespace EksAutoMode.Tests.Unit.Validation;

/// <summary>The engine side of the fail-closed gate: document roles, near misses and the run's verdict.</summary>
public class GateTests
{
    private static (DocumentRole Role, string? Id, string? Message) Classify(string yaml)
    {
        var doc = Assert.Single(ManifestReader.ReadText(yaml).Documents);
        var (role, id, message, _) = KindRecognizer.Classify(doc);
        return (role, id, message);
    }

    [Theory]
    [InlineData("apiVersion: karpenter.sh/v1\nkind: NodePool", DocumentRole.Checked, null)]
    [InlineData("apiVersion: eks.amazonaws.com/v1\nkind: NodeClass", DocumentRole.Checked, null)]
    [InlineData("apiVersion: karpenter.k8s.aws/v1\nkind: EC2NodeClass", DocumentRole.Checked, null)]
    [InlineData("apiVersion: apps/v1\nkind: Deployment", DocumentRole.OtherKind, null)]
    [InlineData("apiVersion: v1\nkind: Node", DocumentRole.OtherKind, null)]
    [InlineData("apiVersion: karpenter.sh/v1\nkind: NodeClaim", DocumentRole.OtherKind, null)]
    [InlineData("apiVersion: eks.amazonaws.com/v1\nkind: IngressClassParams", DocumentRole.OtherKind, null)]
    [InlineData("apiVersion: karpenter.azure.com/v1beta1\nkind: AKSNodeClass", DocumentRole.OtherKind, null)]
    [InlineData("apiVersion: cluster.x-k8s.io/v1beta1\nkind: ClusterClass", DocumentRole.OtherKind, null)]
    [InlineData("apiVersion: karpenter.sh/v1\nkind: Nodepool", DocumentRole.NearMiss, "KindNearMiss")]
    [InlineData("apiVersion: karpenter.sh/v1\nkind: NodPool", DocumentRole.NearMiss, "KindNearMiss")]
    [InlineData("apiVersion: Karpenter.sh/v1\nkind: NodePool", DocumentRole.NearMiss, "ApiVersionNearMiss")]
    [InlineData("apiVersion: karpenter.k8s.aws/v1\nkind: NodeClass", DocumentRole.NearMiss, "ApiVersionNearMiss")]
    [InlineData("apiVersion: eks.amazonaws.com/v1\nkind: EC2NodeClass", DocumentRole.NearMiss, "ApiVersionNearMiss")]
    [InlineData("apiVersion: v1\nkind: NodePool", DocumentRole.NearMiss, "ApiVersionNearMiss")]
    [InlineData("apiVersion: karpenter.sh\nkind: NodePool", DocumentRole.NearMiss, "ApiVersionNearMiss")]
    [InlineData("kind: NodePool", DocumentRole.NotKubernetesObject, "NotKubernetesObject")]
    [InlineData("apiVersion: karpenter.sh/v1", DocumentRole.NotKubernetesObject, "NotKubernetesObject")]
    [InlineData("name: web\nimage: nginx", DocumentRole.NotKubernetesObject, "NotKubernetesObject")]
    [InlineData("apiVersion: karpenter.sh/v1\nkind: 12", DocumentRole.NotKubernetesObject, "NotKubernetesObject")]
    public void ClassifiesDocuments(string yaml, DocumentRole role, string? errorId)
    {
        var (actualRole, id, message) = Classify(yaml + "\nmetadata: {name: x}\n");
        Assert.Equal(role, actualRole);
        Assert.Equal(errorId, id);
        Assert.Equal(errorId is null, message is null);
    }

    [Fact]
    public void NearMissesSayWhichKindWasMeant()
    {
        Assert.Contains("Did you mean apiVersion: karpenter.sh/v1, kind: NodePool", Classify("apiVersion: karpenter.sh/v1\nkind: nodepool").Message);
        string flavour = Classify("apiVersion: karpenter.k8s.aws/v1\nkind: NodeClass").Message!;
        Assert.Contains("apiVersion: eks.amazonaws.com/v1, kind: NodeClass (the Auto Mode node class)", flavour);
        Assert.Contains("kind: EC2NodeClass (the OSS Karpenter node class)", flavour);
    }

    [Fact]
    public void RunPassesOnlyWhenSomethingWasCheckedAndNothingFailed()
    {
        var run = new ValidationRun(new ValidationOptions());
        Assert.False(run.Passed);   // nothing looked at yet

        run.AddText("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n");
        Assert.False(run.Passed);
        Assert.Equal(1, run.DocumentsSkipped);

        run.AddText(V.NodeClass);
        Assert.True(run.Passed);

        var results = run.AddText("apiVersion: karpenter.sh/v1\nkind: Nodepool\nmetadata: {name: x}\n", "typo.yaml");
        var error = Assert.Single(Assert.Single(results).InputErrors);
        Assert.Equal("KindNearMiss", error.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, error.Kind);
        Assert.StartsWith("typo.yaml:2:7: ", error.Message);
        Assert.False(run.Passed);
    }

    [Fact]
    public void ReadingProblemsAndOutsideErrorsFailTheRunWithStableIds()
    {
        var run = new ValidationRun(new ValidationOptions());
        run.AddText(V.NodeClass);
        var syntax = run.AddText("kind: [\n", "bad.yaml");
        var e = Assert.Single(syntax.SelectMany(r => r.InputErrors));
        Assert.Equal(ManifestProblemCodes.SyntaxError, e.ErrorId);
        Assert.Equal(ErrorKind.ParserError, e.Kind);
        Assert.Equal("bad.yaml", e.Target);
        Assert.False(run.Passed);

        var other = new ValidationRun(new ValidationOptions());
        other.AddText(V.NodeClass);
        var missing = other.AddInputError("PathNotFound", ErrorKind.ObjectNotFound, "Cannot find path 'x'.", "x");
        Assert.Equal("INPUT-PathNotFound", Assert.Single(missing.Findings).RuleId);
        Assert.False(other.Passed);
    }

    [Fact]
    public void StrictTurnsWarningsIntoFailures()
    {
        string unset = V.NodePool.Replace("expireAfter: 336h", string.Empty, StringComparison.Ordinal);
        var lenient = new ValidationRun(new ValidationOptions());
        lenient.AddText(unset);
        Assert.True(lenient.Passed);
        var strict = new ValidationRun(new ValidationOptions(), strict: true);
        strict.AddText(unset);
        Assert.False(strict.Passed);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a\u001B[31mb", "a\\e[31mb")]
    [InlineData("line\nforged", "line\\nforged")]
    [InlineData("rtl\u202Eevil\u2066", "rtl\\u202Eevil\\u2066")]
    [InlineData("c1\u009Bx\u007F", "c1\\u009Bx\\u007F")]
    [InlineData("日本語 é 💥", "日本語 é 💥")]
    public void DisplayTextEscapesControlCharacters(string input, string expected) => Assert.Equal(expected, DisplayText.Escape(input));
}
