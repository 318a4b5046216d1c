using System.Diagnostics;
using System.Text;
using EksAutoMode.Engine.Manifests;
using EksAutoMode.Engine.Validation;

namespace EksAutoMode.Tests.Unit.Validation;

/// <summary>
/// Mutation fuzzing of the examples: 10,000 deterministic mutated inputs through the reader and validator.
/// Asserts no unhandled exception and no case slower than 1 s (a generous hang guard, not a timing target).
/// </summary>
public class FuzzTests
{

    public static IEnumerable<string> Seeds()
    {
        foreach (var file in Directory.GetFiles(V.Example(string.Empty), "*.yaml", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal))
        {
            yield return File.ReadAllText(file);
        }

        yield return V.NodeClass;
        yield return V.NodePool;
        yield return V.Ec2NodeClass;
        yield return V.OssNodePool;
        yield return "{\"apiVersion\":\"karpenter.sh/v1\",\"kind\":\"NodePool\",\"metadata\":{\"name\":\"j\"},\"spec\":{\"template\":{\"spec\":{\"expireAfter\":\"336h\",\"nodeClassRef\":{\"group\":\"eks.amazonaws.com\",\"kind\":\"NodeClass\",\"name\":\"c\"},\"requirements\":[{\"key\":\"kubernetes.io/arch\",\"operator\":\"In\",\"values\":[\"amd64\"]}]}}}}";
        yield return "apiVersion: v1\nkind: List\nitems:\n" + string.Join(string.Empty, V.NodePool.Split('\n').Select((l, i) => (i == 0 ? "- " : "  ") + l + "\n"));
    }

    [Fact]
    public void TenThousandMutatedManifestsNeverThrowOrHang()
    {
        var seeds = Seeds().ToArray();
        foreach (var seed in seeds)
        {
            // Warm-up outside the hang guard: schema load, CEL compilation and JIT happen once per process.
            ManifestValidator.ValidateSet(ManifestReader.ReadText(seed).Documents);
        }

        var random = new Random(20261127);
        var options = new ValidationOptions();
        int cases = 0, withFindings = 0, withProblems = 0;
        var slowest = TimeSpan.Zero;
        string? slowestInput = null;
        var sw = new Stopwatch();
        for (int i = 0; i < 10_000; i++)
        {
            string input = ManifestMutator.Mutate(seeds[i % seeds.Length], random);
            sw.Restart();
            try
            {
                var read = i % 7 == 0 ? ManifestReader.ReadBytes(Encoding.UTF8.GetBytes(input), "fuzz.yaml") : ManifestReader.ReadText(input, "fuzz.yaml");
                var findings = ManifestValidator.ValidateSet(read.Documents, i % 2 == 0 ? options : new ValidationOptions { Target = ValidationTarget.Karpenter });
                withFindings += findings.Count > 0 ? 1 : 0;
                withProblems += read.Problems.Count > 0 ? 1 : 0;
                foreach (var f in findings.Concat(ManifestValidator.FromProblems(read.Problems)))
                {
                    Assert.False(string.IsNullOrEmpty(f.RuleId));
                    Assert.False(string.IsNullOrEmpty(f.Message));
                }
            }
            catch (Exception e)
            {
                Assert.Fail($"case {i} threw {e.GetType().Name}: {e.Message}\n--- input ---\n{input}\n--- stack ---\n{e.StackTrace}");
            }

            sw.Stop();
            if (sw.Elapsed > slowest)
            {
                slowest = sw.Elapsed;
                slowestInput = input;
            }

            cases++;
        }

        Assert.Equal(10_000, cases);

        // Hang guard: a case over 1 s is re-timed (best of 3) so that a busy shared machine does not fail the
        // test; a real hang or super-linear blow-up stays over 1 s every time.
        if (slowest >= TimeSpan.FromSeconds(1))
        {
            var best = TimeSpan.MaxValue;
            for (int r = 0; r < 3; r++)
            {
                sw.Restart();
                ManifestValidator.ValidateSet(ManifestReader.ReadText(slowestInput!, "fuzz.yaml").Documents, options);
                sw.Stop();
                best = sw.Elapsed < best ? sw.Elapsed : best;
            }

            Assert.True(best < TimeSpan.FromSeconds(1), $"slowest case took {best.TotalMilliseconds:N0} ms (best of 3):\n{slowestInput}");
        }
        // The mutations really exercise both paths: many inputs break the syntax, many others produce findings.
        Assert.True(withProblems > 500, $"only {withProblems} inputs had reading problems");
        Assert.True(withFindings > 2000, $"only {withFindings} inputs had findings");
    }

    [Fact]
    public void HostileInputsThroughTheGateEndWithAProblemNamingTheLimit()
    {
        var random = new Random(20261204);
        var limits = new[] { "MaxAliasExpandedNodes", "MaxDepth", "MaxLineLength", "MaxScalarLength", "MaxExpandedLength", "MaxAliases", "MaxDocuments", "MaxKeyLength" };
        int limited = 0;
        for (int i = 0; i < 60; i++)
        {
            string input = ManifestMutator.Hostile(random);
            var sw = Stopwatch.StartNew();
            var run = new ValidationRun(new ValidationOptions());
            var results = run.AddText(input, "hostile.yaml");
            run.Finish();
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(20), $"case {i} took {sw.Elapsed} ({input.Length:N0} chars)");   // hang guard only
            var errors = results.SelectMany(r => r.InputErrors).ToList();
            if (errors.Any(e => limits.Any(l => e.Message.Contains(l, StringComparison.Ordinal))))
            {
                limited++;
                Assert.False(run.Passed);
                Assert.All(errors, e => Assert.Equal("hostile.yaml", e.Target));
            }

            Assert.All(results.SelectMany(r => r.Findings), f => Assert.DoesNotMatch("[\u0000-\u0008\u000B-\u001F\u007F\u202E]", f.Message + f.Name + f.Kind));
        }

        Assert.True(limited >= 25, $"only {limited} of 60 hostile inputs hit a limit");
    }
}
