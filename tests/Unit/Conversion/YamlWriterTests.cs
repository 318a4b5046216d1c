using EksAutoMode.Engine.Conversion;
using EksAutoMode.Engine.Manifests;

namespace EksAutoMode.Tests.Unit.Conversion;

public class YamlWriterTests
{
    private static string WriteOne(string key, ManifestNode value)
    {
        var root = new MappingNode();
        root.Set(key, value);
        return YamlWriter.Write(root);
    }

    private static ScalarNode ReadBack(string yaml, string key)
    {
        var read = ManifestReader.ReadText(yaml);
        Assert.False(read.HasErrors, yaml + "\n" + string.Join("\n", read.Problems));
        return Assert.IsType<ScalarNode>(Assert.Single(read.Documents).Root[key]);
    }

    [Theory]
    [InlineData("32")]
    [InlineData("0042")]
    [InlineData("10%")]
    [InlineData("true")]
    [InlineData("True")]
    [InlineData("yes")]
    [InlineData("No")]
    [InlineData("on")]
    [InlineData("OFF")]
    [InlineData("y")]
    [InlineData("null")]
    [InlineData("~")]
    [InlineData("")]
    [InlineData("1e3")]
    [InlineData("1.5")]
    [InlineData(".5")]
    [InlineData(".inf")]
    [InlineData("-.Inf")]
    [InlineData(".NaN")]
    [InlineData("0x1F")]
    [InlineData("0o17")]
    [InlineData("0b101")]
    [InlineData("1_000")]
    [InlineData("+12")]
    [InlineData("-3")]
    [InlineData("2001-12-14")]
    [InlineData("2001-12-14T21:59:43Z")]
    [InlineData("1:20")]
    [InlineData("190:20:30.15")]
    [InlineData("=")]
    [InlineData("<<")]
    [InlineData("-x")]
    [InlineData("- x")]
    [InlineData("a: b")]
    [InlineData("a #b")]
    [InlineData("#x")]
    [InlineData("@x")]
    [InlineData("*x")]
    [InlineData("&x")]
    [InlineData("!x")]
    [InlineData("|x")]
    [InlineData(">x")]
    [InlineData("'x")]
    [InlineData("\"x")]
    [InlineData("%x")]
    [InlineData("`x")]
    [InlineData("[x]")]
    [InlineData("{x}")]
    [InlineData("?x")]
    [InlineData(",x")]
    [InlineData("x:")]
    [InlineData(" x")]
    [InlineData("x ")]
    [InlineData("a\tb")]
    [InlineData("bell\u0007")]
    [InlineData("line\u2028sep")]
    public void Strings_that_a_YAML_reader_could_mistype_are_double_quoted_and_read_back_as_the_same_string(string value)
    {
        string yaml = WriteOne("k", ScalarNode.String(value));
        Assert.StartsWith("k: \"", yaml, StringComparison.Ordinal);
        var back = ReadBack(yaml, "k");
        Assert.True(back.IsString, yaml);
        Assert.Equal(value, back.Value);
    }

    [Theory]
    [InlineData("on-demand")]
    [InlineData("bottlerocket@latest")]
    [InlineData("336h")]
    [InlineData("24h0m0s")]
    [InlineData("80Gi")]
    [InlineData("c6g.large")]
    [InlineData("eks.amazonaws.com/instance-cpu")]
    [InlineData("/dev/xvda")]
    [InlineData("http://proxy.internal:3128")]
    [InlineData("arn:aws:kms:us-west-2:123456789012:key/1234abcd")]
    [InlineData("sg-1234567890")]
    [InlineData("WhenEmptyOrUnderutilized")]
    public void Ordinary_strings_stay_plain(string value)
    {
        string yaml = WriteOne("k", ScalarNode.String(value));
        Assert.Equal($"k: {value}\n", yaml);
        Assert.Equal(value, ReadBack(yaml, "k").Value);
    }

    [Fact]
    public void Random_strings_survive_a_write_and_read_unchanged()
    {
        var rng = new Random(20261127);
        const string alphabet = "ab0123456789 .:-#%@&*!|>'\"`,[]{}?~=<+_/\\\t\nxyeEoOnNtTfF\u00e9\u65e5\u2028\u0085\u00a0";
        for (int i = 0; i < 3000; i++)
        {
            int len = rng.Next(0, 12);
            string s = new(Enumerable.Range(0, len).Select(_ => alphabet[rng.Next(alphabet.Length)]).ToArray());
            string yaml = WriteOne("k", ScalarNode.String(s));
            var back = ReadBack(yaml, "k");
            Assert.True(back.IsString && back.Value == s, $"'{s}' came back as '{back.Value}' ({back.ResolvedType}) from:\n{yaml}");
        }
    }

    [Theory]
    [InlineData("line1\nline2\n")]
    [InlineData("line1\nline2")]
    [InlineData("line1\n\nline3\n\n\n")]
    [InlineData("[settings.kernel]\nlockdown = \"integrity\"\n")]
    [InlineData("#!/bin/bash\necho 'a: b' # c\n")]
    public void Multi_line_strings_use_literal_blocks_and_keep_their_exact_text(string value)
    {
        string yaml = WriteOne("userData", ScalarNode.String(value));
        Assert.StartsWith("userData: |", yaml, StringComparison.Ordinal);
        Assert.Equal(value, ReadBack(yaml, "userData").Value);
    }

    [Fact]
    public void Numbers_and_booleans_are_written_plain_in_canonical_form_and_nulls_are_left_out()
    {
        var root = new MappingNode();
        root.Set("iops", ScalarNode.Plain("0x10"));
        root.Set("on", ScalarNode.Plain("True"));
        root.Set("gone", ScalarNode.Null());
        root.Set("size", ScalarNode.String("80Gi"));
        Assert.Equal("iops: 16\n\"on\": true\nsize: 80Gi\n", YamlWriter.Write(root));
    }

    [Fact]
    public void Top_level_and_metadata_keys_come_in_kubectl_order_and_sequences_sit_at_their_key_indentation()
    {
        var root = ConversionTestHelpers.Parse("""
            spec:
              list: [a, {x: 1, ys: [b]}]
              empty: []
              none: {}
            status: {}
            metadata: {annotations: {a: b}, labels: {l: v}, name: demo}
            kind: K
            extra: e
            apiVersion: v1
            """);
        string yaml = YamlWriter.Write(root);
        Assert.Equal("""
            apiVersion: v1
            kind: K
            metadata:
              name: demo
              labels:
                l: v
              annotations:
                a: b
            spec:
              list:
              - a
              - x: 1
                ys:
                - b
              empty: []
              none: {}
            status: {}
            extra: e

            """.Replace("\r\n", "\n"), yaml);
    }

    [Fact]
    public void Comments_sit_above_their_field_including_list_items_and_fall_back_to_the_nearest_ancestor()
    {
        var root = ConversionTestHelpers.Parse("""
            apiVersion: v1
            kind: K
            spec:
              items:
              - key: a
                value: b
              role: r
            """);
        var comments = new Dictionary<string, List<string>>
        {
            ["spec.role"] = new() { "about role" },
            ["spec.items[0].value"] = new() { "about value" },
            ["spec.items[0]"] = new() { "about item" },
            ["spec.gone.deeper"] = new() { "about a dropped field" },
            ["nowhere"] = new() { "top" },
        };
        string yaml = YamlWriter.Write(root, comments, new[] { "header" });
        Assert.Equal("""
            # header
            # top
            apiVersion: v1
            kind: K
            # about a dropped field
            spec:
              items:
              # about item
              - key: a
                # about value
                value: b
              # about role
              role: r

            """.Replace("\r\n", "\n"), yaml);
        Assert.False(ManifestReader.ReadText(yaml).HasErrors);
    }

    [Fact]
    public void Long_comments_wrap_and_never_break_the_document()
    {
        var root = ConversionTestHelpers.Parse("a: 1\n");
        string message = string.Join(' ', Enumerable.Repeat("word", 80)) + "\nsecond line with: colon # and hash";
        string yaml = YamlWriter.Write(root, new Dictionary<string, List<string>> { ["a"] = new() { message } });
        Assert.All(yaml.Split('\n').Where(l => l.Length > 0 && l != "a: 1"), l => Assert.StartsWith("#", l, StringComparison.Ordinal));
        Assert.All(yaml.Split('\n'), l => Assert.True(l.Length <= 112, l));
        Assert.Equal("1", ((ScalarNode)ManifestReader.ReadText(yaml).Documents[0].Root["a"]!).Value);
    }

    [Fact]
    public void Keys_are_quoted_by_the_same_rules()
    {
        var root = new MappingNode();
        root.Set("yes", ScalarNode.String("v"));
        root.Set("kubernetes.io/role/elb", ScalarNode.String("1"));
        string yaml = YamlWriter.Write(root);
        Assert.Equal("\"yes\": v\nkubernetes.io/role/elb: \"1\"\n", yaml);
    }
}
