using System.Text.RegularExpressions;

namespace EksAutoMode.Tests.Unit.Common;

/// <summary>Properties of every embedded data file (catalogues, rules, facts) that their loaders cannot see.</summary>
public class DataFileTests
{
    // " #" starts a YAML comment inside a plain scalar: "source: containers-roadmap #2487" loads as "containers-roadmap",
    // silently dropping the part of a source or remediation that matters. Such values must be quoted.
    private static readonly Regex s_cutByComment = new(@"^\s+(- )?[A-Za-z_]+: [^""'|>#\[{].* #", RegexOptions.NonBacktracking);

    [Fact]
    public void NoDataValueIsCutShortByAYamlComment()
    {
        string data = Path.Combine(TestPaths.RepoRoot, "src", "EksAutoMode.Engine", "Data");
        var cut = Directory.EnumerateFiles(data, "*.yaml", SearchOption.AllDirectories)
            .SelectMany(f => File.ReadLines(f).Select((l, i) => (File: Path.GetRelativePath(data, f), Line: i + 1, Text: l)))
            .Where(x => s_cutByComment.IsMatch(x.Text))
            .Select(x => $"{x.File}:{x.Line}: {x.Text.Trim()}")
            .ToArray();
        Assert.True(cut.Length == 0, "Quote these values (a ' #' starts a YAML comment):\n" + string.Join('\n', cut));
    }
}
