using System.Text;

namespace EksAutoMode.Tests.Unit.Validation;

/// <summary>
/// Deterministic mutations of manifest text for fuzzing: character flips, deleted spans, inserted YAML tokens,
/// replaced values, duplicated/re-indented/swapped lines, truncation and document separators. Shared by the
/// fuzz test (tests/Unit) and the larger fuzz run of the benchmark (bench/ValidationHarness links this file).
/// </summary>
public static class ManifestMutator
{
    public static readonly string[] Tokens =
    {
        "Never", "-1", "0", "''", "\"\"", "[]", "{}", "~", "null", "true", "*a", "&a x", "!!binary AA==", "<<: {}", "- ", ": ",
        "{", "[", "]", "}", "\"", "'", "#", "|", ">", "\t", "\u0000", "\uFEFF", "é", "💥", "1e400", "0x7fffffffffffffff",
        "99999999999999999999999", "504h", "24h0m0s", "arn:aws:iam::1:role/R", "karpenter.sh/x", "kubernetes.io/os", "windows",
        new string('x', 300), "eks.amazonaws.com", "karpenter.k8s.aws", "EC2NodeClass", "NodePool", "NodeClass", "In", "Gt",
    };

    public static string Mutate(string text, Random random)
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
}
