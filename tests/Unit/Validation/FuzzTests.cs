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
    private static readonly string[] Tokens =
    {
        "Never", "-1", "0", "''", "\"\"", "[]", "{}", "~", "null", "true", "*a", "&a x", "!!binary AA==", "<<: {}", "- ", ": ",
        "{", "[", "]", "}", "\"", "'", "#", "|", ">", "\t", "\u0000", "\uFEFF", "é", "💥", "1e400", "0x7fffffffffffffff",
        "99999999999999999999999", "504h", "24h0m0s", "arn:aws:iam::1:role/R", "karpenter.sh/x", "kubernetes.io/os", "windows",
        new string('x', 300), "eks.amazonaws.com", "karpenter.k8s.aws", "EC2NodeClass", "NodePool", "NodeClass", "In", "Gt",
    };

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

    private static string Mutate(string text, Random random)
    {
        var sb = new StringBuilder(text);
        int mutations = random.Next(1, 4);
        for (int m = 0; m < mutations; m++)
        {
            int pos = sb.Length == 0 ? 0 : random.Next(sb.Length);
            switch (random.Next(9))
            {
                case 0: // flip a character
                    if (sb.Length > 0)
                    {
                        sb[pos] = (char)random.Next(32, 127);
                    }

                    break;
                case 1: // delete a span
                    sb.Remove(pos, Math.Min(random.Next(1, 20), sb.Length - pos));
                    break;
                case 2: // insert a token
                    sb.Insert(pos, Tokens[random.Next(Tokens.Length)]);
                    break;
                case 3: // replace the value after a colon with a token
                {
                    string s = sb.ToString();
                    int colon = s.IndexOf(": ", pos, StringComparison.Ordinal);
                    if (colon >= 0)
                    {
                        int end = s.IndexOf('\n', colon);
                        end = end < 0 ? s.Length : end;
                        sb.Remove(colon + 2, end - colon - 2).Insert(colon + 2, Tokens[random.Next(Tokens.Length)]);
                    }

                    break;
                }

                case 4: // duplicate a line
                {
                    var lines = sb.ToString().Split('\n').ToList();
                    int i = random.Next(lines.Count);
                    lines.Insert(i, lines[i]);
                    sb.Clear().Append(string.Join('\n', lines));
                    break;
                }

                case 5: // change indentation of a line
                {
                    var lines = sb.ToString().Split('\n').ToList();
                    int i = random.Next(lines.Count);
                    lines[i] = random.Next(2) == 0 ? "  " + lines[i] : lines[i].TrimStart();
                    sb.Clear().Append(string.Join('\n', lines));
                    break;
                }

                case 6: // truncate
                    sb.Length = pos;
                    break;
                case 7: // swap two lines
                {
                    var lines = sb.ToString().Split('\n');
                    int a = random.Next(lines.Length), b = random.Next(lines.Length);
                    (lines[a], lines[b]) = (lines[b], lines[a]);
                    sb.Clear().Append(string.Join('\n', lines));
                    break;
                }

                default: // document separator
                    sb.Insert(pos, "\n---\n");
                    break;
            }
        }

        return sb.ToString();
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
            string input = Mutate(seeds[i % seeds.Length], random);
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
}
