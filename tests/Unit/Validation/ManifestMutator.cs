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

    /// <summary>
    /// A hostile input of random size: alias bombs, deep flow or JSON nesting, long lines and scalars, many
    /// aliases, many documents, long keys, control characters. Each must end with a problem naming a limit (or be
    /// read normally) without exceptions, hangs or memory growth.
    /// </summary>
    public static string Hostile(Random random)
    {
        switch (random.Next(10))
        {
            case 0: // billion laughs, 5 to 12 levels
            {
                var sb = new StringBuilder("a0: &a0 [lol,lol,lol,lol,lol,lol,lol,lol,lol,lol]\n");
                int levels = random.Next(5, 13);
                for (int i = 1; i < levels; i++)
                {
                    sb.Append("a").Append(i).Append(": &a").Append(i).Append(" [").Append(string.Join(",", Enumerable.Repeat("*a" + (i - 1), 10))).Append("]\n");
                }

                return sb.ToString();
            }

            case 1: // deep flow nesting
                return new string('[', random.Next(50, 200_000));
            case 2: // deep JSON object nesting
                return string.Concat(Enumerable.Repeat("{\"a\":", random.Next(50, 100_000)));
            case 3: // a long line (up to 3 MB)
                return "apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata:\n  name: " + new string('n', random.Next(1000, 3 * 1024 * 1024)) + "\n";
            case 4: // a big block scalar referenced many times
            {
                int lines = random.Next(100, 20_000);
                var sb = new StringBuilder("big: &big |\n");
                for (int i = 0; i < lines; i++)
                {
                    sb.Append("  ").Append('x', 98).Append('\n');
                }

                return sb.Append("refs: [").Append(string.Join(",", Enumerable.Repeat("*big", random.Next(1, 200)))).Append("]\n").ToString();
            }

            case 5: // many aliases
                return "a: &a x\nb: [" + string.Join(",", Enumerable.Repeat("*a", random.Next(10, 5000))) + "]\n";
            case 6: // many documents
                return string.Concat(Enumerable.Repeat("---\napiVersion: v1\nkind: ConfigMap\n", random.Next(10, 12_000)));
            case 7: // a long explicit key
                return "? " + new string('k', random.Next(100, 5000)) + "\n: v\n";
            case 8: // control and escape characters in kind and name
                return "apiVersion: karpenter.sh/v1\nkind: \"NodePo\\e[2J\\u202E\"\nmetadata:\n  name: \"a\\nb\\x1b\"\n";
            default: // deep block nesting
            {
                int depth = random.Next(50, 1500);
                var sb = new StringBuilder();
                for (int i = 0; i < depth; i++)
                {
                    sb.Append(' ', i).Append("k:\n");
                }

                return sb.ToString();
            }
        }
    }

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
