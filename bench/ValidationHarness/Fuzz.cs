using System.Diagnostics;
using System.Text;
using EksAutoMode.Engine.Manifests;
using EksAutoMode.Engine.Validation;

/// <summary>The bench's larger fuzz run: the same mutations as tests/Unit/Validation/FuzzTests.cs, more cases.</summary>
internal static class Fuzz
{
    private static readonly string[] Tokens =
    {
        "Never", "-1", "0", "''", "\"\"", "[]", "{}", "~", "null", "true", "*a", "&a x", "!!binary AA==", "<<: {}", "- ", ": ",
        "{", "[", "]", "}", "\"", "'", "#", "|", ">", "\t", "\u0000", "\uFEFF", "é", "💥", "1e400", "0x7fffffffffffffff",
        "99999999999999999999999", "504h", "24h0m0s", "arn:aws:iam::1:role/R", "karpenter.sh/x", "kubernetes.io/os", "windows",
        new string('x', 300), "eks.amazonaws.com", "karpenter.k8s.aws", "EC2NodeClass", "NodePool", "NodeClass", "In", "Gt",
    };

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

    public static string Run(string[] seeds, int count)
    {
        var random = new Random(20261128);
        var options = new ValidationOptions();
        foreach (var seed in seeds)
        {
            ManifestValidator.ValidateSet(ManifestReader.ReadText(seed).Documents, options);
        }

        int exceptions = 0;
        double slowestMs = 0;
        var total = Stopwatch.StartNew();
        var sw = new Stopwatch();
        for (int i = 0; i < count; i++)
        {
            string input = Mutate(seeds[i % seeds.Length], random);
            sw.Restart();
            try
            {
                var read = ManifestReader.ReadBytes(Encoding.UTF8.GetBytes(input), "fuzz.yaml");
                ManifestValidator.ValidateSet(read.Documents, i % 2 == 0 ? options : new ValidationOptions { Target = ValidationTarget.Karpenter });
            }
            catch (Exception e)
            {
                exceptions++;
                Console.Error.WriteLine($"case {i}: {e.GetType().Name}: {e.Message}");
            }

            slowestMs = Math.Max(slowestMs, sw.Elapsed.TotalMilliseconds);
        }

        return $"fuzzCases={count} exceptions={exceptions} slowestMs={slowestMs:F1} totalMs={total.Elapsed.TotalMilliseconds:F0}";
    }
}
