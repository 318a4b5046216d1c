using System.Text;
using System.Text.Json;
using EksAutoMode.Engine;
using EksAutoMode.Engine.Readiness;

namespace EksAutoMode.Tests.Unit.Readiness;

public class ReadinessCatalogueTests
{
    [Fact]
    public void EveryRowIsCompleteAndEveryCategoryAndEvaluatorIsUsed()
    {
        var all = ReadinessCatalogue.All;
        Assert.True(ReadinessCatalogue.Readiness.Count() >= 30, $"got {ReadinessCatalogue.Readiness.Count()} readiness rows");
        Assert.All(all, c =>
        {
            Assert.Matches("^AM[RI]-[A-Z]{2,4}-[0-9]{3}$", c.Id);
            Assert.False(string.IsNullOrWhiteSpace(c.Title));
            Assert.False(string.IsNullOrWhiteSpace(c.Remediation));
            Assert.False(string.IsNullOrWhiteSpace(c.Source));
            Assert.StartsWith("https://", c.DocUrl);
            Assert.True(c.AsOf >= c.AppliesSince, $"{c.Id}: asOf before appliesSince");
            Assert.Contains(c.Category, ReadinessCatalogue.Categories);
        });
        Assert.Equal(all.Count, all.Select(c => c.Id).Distinct().Count());
        var used = all.Select(c => c.Evaluator).ToHashSet();
        Assert.All(ReadinessEvaluators.Names.Where(n => n != "iam"), n => Assert.Contains(n, used));
    }

    [Theory]
    [InlineData("id: AMR-X-1", "is not AMR-<AREA>-NNN")]
    [InlineData("category: Nope", "category 'Nope'")]
    [InlineData("severity: Critical", "severity 'Critical'")]
    [InlineData("evaluator: guess", "unknown evaluator 'guess'")]
    [InlineData("docUrl: http://example.com", "is not an https URL")]
    [InlineData("asOf: 2026-13-01", "asOf '2026-13-01'")]
    [InlineData("source: ' '", "'source' is empty")]
    [InlineData("kubernetesVersions: {min: '1.36', max: '1.30'}", "min version is above max")]
    public void IncompleteRowsAreRejectedWithTheReason(string replacement, string expected)
    {
        string field = replacement.Split(':')[0];
        var lines = new List<string>
        {
            "checks:", "  - id: AMR-NET-900", "    category: Networking", "    title: t", "    severity: Warning",
            "    appliesSince: 2024-12-01", "    evaluator: smallInstances", "    remediation: r", "    docUrl: https://docs.aws.amazon.com/x",
            "    source: s", "    asOf: 2026-11-27",
        };
        int index = lines.FindIndex(l => l.TrimStart().StartsWith(field + ":", StringComparison.Ordinal));
        if (index >= 0) lines[index] = "    " + replacement;
        else lines.Add("    " + replacement);
        var ex = Assert.Throws<EngineException>(() => ReadinessCatalogue.Parse(string.Join('\n', lines)));
        Assert.Equal("ReadinessDataInvalid", ex.ErrorId);
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void SecurityGroupsForPodsDependOnTheTargetVersion()
    {
        ReadinessCheck before = ReadinessCatalogue.Get("AMR-NET-001"), after = ReadinessCatalogue.Get("AMR-NET-002");
        Assert.Equal(ReadinessSeverity.Blocker, before.Severity);
        Assert.True(before.AppliesTo(KubernetesMinor.Parse("1.35")));
        Assert.False(before.AppliesTo(KubernetesMinor.Parse("1.36")));
        Assert.True(after.AppliesTo(KubernetesMinor.Parse("v1.36.1-eks-1")));
        Assert.False(after.AppliesTo(KubernetesMinor.Parse("1.9")));
    }

    [Theory]
    [InlineData("v1.18.6-eksbuild.1", "v1.19.0-eksbuild.1", -1)]
    [InlineData("v1.19.0-eksbuild.2", "v1.19.0-eksbuild.1", 1)]
    [InlineData("v1.31.10-eksbuild.12", "v1.31.2-eksbuild.3", 1)]
    [InlineData("v1.3.4-eksbuild.1", "v1.3.4-eksbuild.1", 0)]
    public void AddonVersionsCompareNumerically(string a, string b, int sign) => Assert.Equal(sign, Math.Sign(AddonVersion.Compare(a, b)));

    [Fact]
    public void HelmReleaseSecretsDecodeFromBothEncodings()
    {
        string json = """{"name":"karpenter","version":7,"info":{"status":"deployed"},"chart":{"metadata":{"name":"karpenter","version":"1.0.6","appVersion":"1.0.6"}}}""";
        using var ms = new MemoryStream();
        using (var gz = new System.IO.Compression.GZipStream(ms, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(Encoding.UTF8.GetBytes(json));
        }

        string helm = Convert.ToBase64String(ms.ToArray());
        foreach (string data in new[] { Convert.ToBase64String(Encoding.ASCII.GetBytes(helm)), helm })
        {
            using var doc = JsonDocument.Parse("{\"metadata\":{\"name\":\"sh.helm.release.v1.karpenter.v7\",\"namespace\":\"karpenter\"},\"data\":{\"release\":\"" + data + "\"}}");
            HelmRelease? r = ReadinessData.DecodeHelmRelease(doc.RootElement);
            Assert.NotNull(r);
            Assert.Equal(("karpenter", "karpenter", "1.0.6", 7, "deployed"), (r!.Name, r.Chart, r.ChartVersion, r.Revision, r.Status));
        }

        using var bad = JsonDocument.Parse("""{"data":{"release":"not base64!"}}""");
        Assert.Null(ReadinessData.DecodeHelmRelease(bad.RootElement));
    }
}

/// <summary>The data file and the help topic that lists it stay complete and in step.</summary>
public class ReadinessCatalogueDocumentTests
{
    private static string CataloguePath => Path.Combine(TestPaths.RepoRoot, "src", "EksAutoMode.Engine", "Data", "Readiness", "checks.yaml");

    private static string TopicPath => Path.Combine(TestPaths.RepoRoot, "docs", "about_EksAutoMode_Readiness.md");

    [Fact]
    public void NoTextValueIsCutShortByAYamlComment()
    {
        // " #" starts a YAML comment in a plain scalar: "containers-roadmap #2633" would silently become "containers-roadmap".
        var cut = File.ReadAllLines(CataloguePath)
            .Where(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\s+(title|source|remediation|docUrl): [^""'].* #"))
            .ToArray();
        Assert.Empty(cut);
        Assert.Contains(ReadinessCatalogue.All, c => c.Source.Contains("#2633", StringComparison.Ordinal));
    }

    [Fact]
    public void TheAboutTopicListsEveryCheckAsTheDataHasIt()
    {
        // Set EKSAUTOMODE_UPDATE_DOCS=1 to rewrite the table from the data.
        string[] lines = File.ReadAllLines(TopicPath);
        int start = Array.FindIndex(lines, l => l.TrimEnd().EndsWith("At the time of writing:", StringComparison.Ordinal)) + 2;
        Assert.True(start >= 2, "the topic has no 'At the time of writing:' table");
        int end = Array.FindIndex(lines, start, l => l.Trim().Length == 0);
        string expected = ReadinessCatalogue.FormatTable(ReadinessCatalogue.All);
        string actual = string.Join('\n', lines[start..end]) + "\n";
        if (actual != expected && Environment.GetEnvironmentVariable("EKSAUTOMODE_UPDATE_DOCS") == "1")
        {
            File.WriteAllLines(TopicPath, lines[..start].Concat(expected.TrimEnd('\n').Split('\n')).Concat(lines[end..]));
            actual = expected;
        }

        Assert.Equal(expected, actual);
        Assert.Contains($"({ReadinessCatalogue.Readiness.Count()} AMR and {ReadinessCatalogue.Iam.Count()} AMI checks)", string.Join(' ', lines));
    }
}
