using System.Text.RegularExpressions;

namespace EksAutoMode.Tests.Unit.Knowledge;

/// <summary>
/// Data rows and code cite the project's reference notes as <c>automode-facts.md §4.2</c> or
/// <c>karpenter-crd-facts.md §2.3</c>; the notes are in docs/reference/, and every cited section must exist there, so
/// a reader can follow a fact to the passage and the public source it rests on.
/// </summary>
public class CitationTests
{
    private static readonly Regex Citation = new(@"(automode|karpenter-crd)-facts(?:\.md)?(?<sections>(?:[\s,;/\-]*§[0-9]+(?:\.[0-9]+)?)+)", RegexOptions.CultureInvariant);

    [Fact]
    public void EveryCitedSectionOfTheReferenceNotesExists()
    {
        string engine = Path.Combine(TestPaths.RepoRoot, "src", "EksAutoMode.Engine");
        var files = Directory.EnumerateFiles(Path.Combine(engine, "Data"), "*", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(engine, "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        var headings = new Dictionary<string, HashSet<string>>
        {
            ["automode"] = Headings("automode-facts.md"),
            ["karpenter-crd"] = Headings("karpenter-crd-facts.md"),
        };

        int citations = 0;
        var missing = new List<string>();
        foreach (string file in files)
        {
            foreach (Match m in Citation.Matches(File.ReadAllText(file)))
            {
                foreach (Match section in Regex.Matches(m.Groups["sections"].Value, @"§([0-9]+(?:\.[0-9]+)?)"))
                {
                    citations++;
                    if (!headings[m.Groups[1].Value].Contains(section.Groups[1].Value))
                    {
                        missing.Add($"{Path.GetRelativePath(TestPaths.RepoRoot, file)}: {m.Groups[1].Value}-facts.md §{section.Groups[1].Value}");
                    }
                }
            }
        }

        Assert.True(citations > 60, $"{citations} citations found");
        Assert.Empty(missing);
    }

    /// <summary>Section numbers of a note's headings: "## 4. Built-ins" → 4, "### 4.2 What …" → 4.2.</summary>
    private static HashSet<string> Headings(string note)
    {
        string path = Path.Combine(TestPaths.RepoRoot, "docs", "reference", note);
        return File.ReadLines(path)
            .Select(l => Regex.Match(l, @"^#{2,4} ([0-9]+(?:\.[0-9]+)?)\.? "))
            .Where(m => m.Success)
            .Select(m => m.Groups[1].Value)
            .ToHashSet(StringComparer.Ordinal);
    }
}
