using System.Diagnostics;
using System.Text;
using EksAutoMode.Engine.Manifests;

namespace EksAutoMode.Tests.Unit.Manifests;

/// <summary>
/// Hostile input: every budget of <see cref="ManifestReaderOptions"/> is enforced while parsing, ends with a problem
/// naming the limit, and costs little memory. Time is checked only by a generous hang guard (10 s); the bench
/// (bench/validation.bench.ps1) reports the real times.
/// </summary>
public class HostileInputTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(10);

    private static (ManifestReadResult Result, long Allocated) Read(string text, ManifestReaderOptions? options = null)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var sw = Stopwatch.StartNew();
        var result = ManifestReader.ReadText(text, "hostile.yaml", options);
        Assert.True(sw.Elapsed < HangGuard, $"reading took {sw.Elapsed}");
        return (result, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static ManifestProblem Single(ManifestReadResult result, string code)
    {
        var problem = Assert.Single(result.Problems, p => p.Code == code);
        Assert.Equal("hostile.yaml", problem.SourceFile);
        return problem;
    }

    [Fact]
    public void BillionLaughsStopsAtTheExpansionBudget()
    {
        var sb = new StringBuilder("a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (int i = 1; i < 10; i++)
        {
            sb.Append($"a{i}: &a{i} [{string.Join(",", Enumerable.Repeat($"*a{i - 1}", 10))}]\n");
        }

        var (result, allocated) = Read(sb.ToString());
        var p = Single(result, ManifestProblemCodes.AliasExpansionLimit);
        Assert.Contains("100,000 nodes", p.Message);
        Assert.Contains("MaxAliasExpandedNodes", p.Message);
        Assert.Empty(result.Documents);
        Assert.True(allocated < 100L * 1024 * 1024, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public void FourMegabyteScalarReferencedFiftyTimesIsRefusedAtTheScalarBudget()
    {
        string refs = "\nrefs: [" + string.Join(",", Enumerable.Repeat("*big", 50)) + "]\n";

        // On one line, the line budget refuses it first.
        var (oneLine, _) = Read("big: &big \"" + new string('x', 4 * 1024 * 1024) + "\"" + refs);
        Assert.Equal(ManifestProblemCodes.LineTooLong, Assert.Single(oneLine.Problems).Code);

        // As a block scalar of short lines, the scalar budget does.
        string block = "big: &big |\n" + string.Concat(Enumerable.Repeat("  " + new string('x', 98) + "\n", 4 * 1024 * 1024 / 100));
        var (result, allocated) = Read(block + refs);
        var p = Assert.Single(result.Problems);
        Assert.Equal(ManifestProblemCodes.ScalarTooLarge, p.Code);
        Assert.Contains("1,048,576 characters (MaxScalarLength)", p.Message);
        Assert.Equal(1, p.Line);
        Assert.True(allocated < 200L * 1024 * 1024, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public void ScalarsReferencedManyTimesAreRefusedAtTheExpandedSizeBudget()
    {
        string text = "big: &big \"" + new string('x', 512 * 1024) + "\"\nrefs: [" + string.Join(",", Enumerable.Repeat("*big", 50)) + "]\n";
        var (result, allocated) = Read(text);
        var p = Single(result, ManifestProblemCodes.ExpandedSizeLimit);
        Assert.Contains("8,388,608 characters", p.Message);
        Assert.Contains("MaxExpandedLength", p.Message);
        Assert.True(allocated < 64L * 1024 * 1024, $"allocated {allocated:N0} bytes");
    }

    [Theory]
    [InlineData("[")]
    [InlineData("{\"a\":")]
    [InlineData("- ")]
    public void HundredThousandLevelsOfNestingStopAtTheDepthBudget(string level)
    {
        string text = level == "- "
            ? string.Concat(Enumerable.Range(0, 2000).Select(i => new string(' ', i) + "- \n"))   // block nesting needs indentation; 2,000 levels is ~2 MB
            : string.Concat(Enumerable.Repeat(level, 100_000));
        var (result, allocated) = Read(text);
        var p = Single(result, ManifestProblemCodes.NestingTooDeep);
        Assert.Contains("100 levels deep (MaxDepth)", p.Message);
        Assert.True(allocated < 64L * 1024 * 1024, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public void JsonGetsTheSameBudgetsThroughBytes()
    {
        byte[] bytes = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", 100_000)));
        var result = ManifestReader.ReadBytes(bytes, "hostile.json");
        Assert.Contains(result.Problems, p => p.Code == ManifestProblemCodes.NestingTooDeep && p.SourceFile == "hostile.json");
    }

    [Fact]
    public void TenMegabyteLineIsRefusedBeforeParsing()
    {
        var (result, _) = Read("a: " + new string('x', 10 * 1024 * 1024));
        Assert.Contains("5 MB", Single(result, ManifestProblemCodes.InputTooLarge).Message);

        // Under the size limit, a line over the line budget is refused by its own limit, and later documents still count.
        var (second, _) = Read("a: " + new string('x', 2 * 1024 * 1024) + "\n---\nkind: Later\n");
        var p = Single(second, ManifestProblemCodes.LineTooLong);
        Assert.Contains("(MaxLineLength)", p.Message);
        Assert.Equal(1, p.Line);
        Assert.Equal("Later", Assert.Single(second.Documents).Kind);
    }

    [Fact]
    public void LongKeysManyAliasesAndManyDocumentsHaveTheirOwnBudgets()
    {
        // An explicit key ("? key"): implicit YAML keys are limited to 1,024 characters by the YAML spec itself.
        var key = Read("? " + new string('k', 2000) + "\n: v\n").Result;
        Assert.Contains("(MaxKeyLength)", Single(key, ManifestProblemCodes.KeyTooLong).Message);

        var aliases = Read("a: &a x\nb: [" + string.Join(",", Enumerable.Repeat("*a", 1001)) + "]\n").Result;
        Assert.Contains("(MaxAliases)", Single(aliases, ManifestProblemCodes.TooManyAliases).Message);

        var docs = Read(string.Concat(Enumerable.Repeat("---\na: 1\n", 10_001))).Result;
        Assert.Equal(10_000, docs.Documents.Count);
        Assert.Contains("(MaxDocuments)", Single(docs, ManifestProblemCodes.TooManyDocuments).Message);

        var custom = Read("a: 1\n---\nb: 2\n---\nc: 3\n", new ManifestReaderOptions { MaxDocuments = 2 }).Result;
        Assert.Equal(2, custom.Documents.Count);
    }

    [Fact]
    public void SyntaxErrorCostsOnlyItsDocumentAndLaterLinesStayTrue()
    {
        const string text = "kind: One\n---\nkind: [unclosed\nmetadata: {}\n---\n# third\nkind: Three\nmetadata:\n  name: t\n";
        var (result, _) = Read(text);
        var p = Single(result, ManifestProblemCodes.SyntaxError);
        Assert.Equal(1, p.DocumentIndex);
        Assert.InRange(p.Line, 3, 4);
        Assert.Equal(new[] { "One", "Three" }, result.Documents.Select(d => d.Kind));
        var third = result.Documents[1];
        Assert.Equal(2, third.DocumentIndex);
        Assert.Equal(7, third.Line);
        Assert.Equal(9, ((MappingNode)third.Root["metadata"]!)["name"]!.Line);
    }

    [Fact]
    public void DirectivesBeforeTheMarkerStayWithTheirDocument()
    {
        var (result, _) = Read("%YAML 1.1\n---\nkind: A\n---\nkind: B\n");
        Assert.Empty(result.Problems);
        Assert.Equal(new[] { "A", "B" }, result.Documents.Select(d => d.Kind));
    }

    [Fact]
    public void CancellationStopsReading()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        string text = string.Concat(Enumerable.Repeat("---\na: [1, 2, 3]\n", 5000));
        Assert.ThrowsAny<OperationCanceledException>(() => ManifestReader.ReadText(text, null, new ManifestReaderOptions { CancellationToken = cts.Token }));
    }
}
