using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
using EksAutoMode.Engine.Manifests;

namespace EksAutoMode.Tests.Unit.Architecture;

/// <summary>
/// Every regular expression of the engine runs in linear time (RegexOptions.NonBacktracking, like the API server's
/// RE2), so no input can make one backtrack for minutes.
/// </summary>
public class LinearRegexTests
{
    /// <summary>
    /// Backtracking patterns that are linear by construction. AwsCredentialResolver.RegionPattern: each repetition
    /// of (-[a-z]+) starts with '-', which the class inside cannot match, so there is one way to split any input.
    /// </summary>
    private static readonly HashSet<string> LinearByConstruction = new(StringComparer.Ordinal) { "AwsCredentialResolver.RegionPattern" };

    public static IEnumerable<(string Name, Regex Regex)> EngineRegexes()
    {
        var assembly = typeof(ManifestReader).Assembly;
        foreach (var type in assembly.GetTypes())
        {
            const BindingFlags Flags = BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
            foreach (var field in type.GetFields(Flags).Where(f => f.FieldType == typeof(Regex)))
            {
                if (field.GetValue(null) is Regex r && !field.Name.Contains('<'))
                {
                    yield return ($"{type.Name}.{field.Name}", r);
                }
            }

            foreach (var method in type.GetMethods(Flags).Where(m => m.ReturnType == typeof(Regex) && m.GetParameters().Length == 0 && m.GetCustomAttribute<GeneratedRegexAttribute>() is not null))
            {
                yield return ($"{type.Name}.{method.Name}", (Regex)method.Invoke(null, null)!);
            }
        }
    }

    [Fact]
    public void EveryEngineRegexIsNonBacktracking()
    {
        var all = EngineRegexes().ToList();
        Assert.True(all.Count >= 15, $"found only {all.Count} regexes: the reflection scan is broken");
        var backtracking = all.Where(x => !x.Regex.Options.HasFlag(RegexOptions.NonBacktracking) && !LinearByConstruction.Contains(x.Name)).Select(x => x.Name).ToList();
        Assert.Empty(backtracking);
    }

    [Fact]
    public void UrlUserInfoRedactionIsLinearOnHostileText()
    {
        // A long run of scheme characters with no "://": the backtracking pattern retried the run from every
        // position (quadratic: minutes for this input). Hang guard only.
        string hostile = new string('a', 300_000) + "://" + new string('b', 300_000);
        var sw = Stopwatch.StartNew();
        string redacted = EksAutoMode.Engine.Conversion.NodePaths.Redact(hostile);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), $"took {sw.Elapsed}");
        Assert.Equal(hostile, redacted);
        Assert.Equal("see https://***@example.com/x", EksAutoMode.Engine.Conversion.NodePaths.Redact("see https://user:pw@example.com/x"));
    }
}
