using System.Globalization;
using EksAutoMode.Engine.Conversion;
using EksAutoMode.Engine.Manifests;
using static EksAutoMode.Tests.Unit.Conversion.ConversionTestHelpers;

namespace EksAutoMode.Tests.Unit.Conversion;

/// <summary>
/// Property tests over generated manifests: Auto → OSS → Auto keeps every field Auto Mode can express, and
/// OSS → Auto → OSS keeps every field OSS can express that survives in Auto Mode. Each hop goes through the
/// emitted YAML text, so quoting and layout are exercised too, and each intermediate document must validate.
/// </summary>
public class RoundTripPropertyTests
{
    private const int Cases = 250;

    private static readonly string[] TrickyValues =
    {
        "prod", "yes", "no", "on", "off", "true", "False", "null", "~", "0042", "32", "1e3", "10%", "1.5", ".inf", "0x1F",
        "2001-12-14", "1:20", "a: b", "x #y", "#hash", "-dash", "@at", "*star", "&amp", "!bang", "'q", "\"dq", "[x]", "{y}",
        "trailing ", " leading", "ünï cødé", "日本", "tab\there", "line\nbreak", "a=b,c=d",
    };

    private static readonly string[] TagKeys = { "team", "Environment", "yes", "0042", "kubernetes.io/role/internal-elb", "app.kubernetes.io/name", "Cost Center", "a:b" };

    private static string Pick(Random r, IReadOnlyList<string> items) => items[r.Next(items.Count)];

    private static string Hex(Random r, int n) => string.Concat(Enumerable.Range(0, n).Select(_ => "0123456789abcdef"[r.Next(16)]));

    private static MappingNode Tags(Random r, int max = 3)
    {
        var m = new MappingNode();
        int n = r.Next(1, max + 1);
        for (int i = 0; i < n; i++)
        {
            m.Set(Pick(r, TagKeys), ScalarNode.String(Pick(r, TrickyValues)));
        }

        return m;
    }

    private static MappingNode Map(params (string Key, ManifestNode Value)[] entries)
    {
        var m = new MappingNode();
        foreach (var (k, v) in entries)
        {
            m.Set(k, v);
        }

        return m;
    }

    private static SequenceNode Terms(Random r, string idPrefix, bool allowName)
    {
        var seq = new SequenceNode();
        int n = r.Next(1, 4);
        for (int i = 0; i < n; i++)
        {
            int kind = r.Next(allowName ? 3 : 2);
            seq.Add(kind switch
            {
                0 => Map(("id", ScalarNode.String(idPrefix + Hex(r, 10)))),
                1 => Map(("tags", Tags(r))),
                _ => Map(("name", ScalarNode.String(Pick(r, TrickyValues)))),
            });
        }

        return seq;
    }

    private static SequenceNode Reservations(Random r, string ownerKey)
    {
        var seq = new SequenceNode();
        int n = r.Next(1, 3);
        for (int i = 0; i < n; i++)
        {
            var term = r.Next(2) == 0 ? Map(("id", ScalarNode.String("cr-" + Hex(r, 17)))) : Map(("tags", Tags(r)));
            if (r.Next(2) == 0 && (ownerKey == "owner" || !term.ContainsKey("id")))
            {
                term.Set(ownerKey, ScalarNode.String(string.Concat(Enumerable.Range(0, 12).Select(_ => (char)('0' + r.Next(10))))));
            }

            seq.Add(term);
        }

        return seq;
    }

    private static readonly string[] Sizes = { "20Gi", "80Gi", "100Gi", "1Ti", "500G", "2T", "59000Gi" };

    private static string Document(string apiVersion, string kind, string name, MappingNode spec)
    {
        var root = Map(("apiVersion", ScalarNode.String(apiVersion)), ("kind", ScalarNode.String(kind)), ("metadata", Map(("name", ScalarNode.String(name)))), ("spec", spec));
        return YamlWriter.Write(root);
    }

    // ------------------------------------------------------------------ NodeClass

    private static MappingNode RandomAutoSpec(Random r)
    {
        var spec = new MappingNode();
        if (r.Next(2) == 0)
        {
            spec.Set("role", ScalarNode.String("Role-" + Hex(r, 6)));
        }
        else
        {
            spec.Set("instanceProfile", ScalarNode.String("eks-profile-" + Hex(r, 6)));
        }

        spec.Set("subnetSelectorTerms", Terms(r, "subnet-", allowName: false));
        spec.Set("securityGroupSelectorTerms", Terms(r, "sg-", allowName: true));
        if (r.Next(3) == 0)
        {
            spec.Set("capacityReservationSelectorTerms", Reservations(r, "owner"));
        }

        if (r.Next(4) != 0)
        {
            var es = new MappingNode();
            if (r.Next(4) != 0) es.Set("size", ScalarNode.String(Pick(r, Sizes)));
            if (r.Next(2) == 0) es.Set("iops", ScalarNode.Plain(r.Next(3000, 16001).ToString(CultureInfo.InvariantCulture)));
            if (r.Next(2) == 0) es.Set("throughput", ScalarNode.Plain(r.Next(125, 1001).ToString(CultureInfo.InvariantCulture)));
            if (r.Next(3) == 0) es.Set("kmsKeyID", ScalarNode.String(r.Next(2) == 0 ? "alias/nodes" : $"arn:aws:kms:us-east-1:123456789012:key/{Hex(r, 8)}"));
            spec.Set("ephemeralStorage", es);
        }

        if (r.Next(2) == 0)
        {
            spec.Set("advancedNetworking", Map(("associatePublicIPAddress", ScalarNode.Plain(r.Next(2) == 0 ? "true" : "false"))));
        }

        if (r.Next(2) == 0)
        {
            spec.Set("tags", Tags(r, 4));
        }

        return spec;
    }

    /// <summary>Auto Mode treats a missing ephemeralStorage (or missing parts) as 80Gi / 3000 / 125.</summary>
    private static MappingNode NormalizeAuto(MappingNode spec)
    {
        var copy = (MappingNode)spec.Clone();
        var es = copy.GetMapping("ephemeralStorage") ?? new MappingNode();
        if (!es.ContainsKey("size")) es.Set("size", ScalarNode.String("80Gi"));
        if (!es.ContainsKey("iops")) es.Set("iops", ScalarNode.Plain("3000"));
        if (!es.ContainsKey("throughput")) es.Set("throughput", ScalarNode.Plain("125"));
        copy.Set("ephemeralStorage", es);

        // A reservation term with an id keeps no owner (EC2NodeClass forbids ownerID next to id; the id is unique anyway).
        foreach (var term in copy.GetSequence("capacityReservationSelectorTerms")?.Items.OfType<MappingNode>() ?? Enumerable.Empty<MappingNode>())
        {
            if (term.ContainsKey("id"))
            {
                term.Remove("owner");
            }
        }

        return copy;
    }

    [Fact]
    public void Auto_to_OSS_to_Auto_preserves_every_field_Auto_Mode_can_express()
    {
        var rng = new Random(4242);
        for (int i = 0; i < Cases; i++)
        {
            var spec = RandomAutoSpec(rng);
            string alias = Pick(rng, new[] { "bottlerocket@latest", "al2023@latest", "bottlerocket@v1.30.0", "al2@latest" });
            string source = Document("eks.amazonaws.com/v1", "NodeClass", "nc-" + i, spec);

            var oss = One(ConversionDirection.AutoToOss, source, new ConversionOptions { AmiAlias = alias });
            Assert.True(oss.IsValid, $"case {i}: {string.Join("; ", oss.ValidationErrors)}\n{oss.Yaml}");
            var back = One(ConversionDirection.OssToAuto, oss.Yaml);
            Assert.True(back.IsValid, $"case {i}: {string.Join("; ", back.ValidationErrors)}\n{back.Yaml}");

            var result = Parse(back.Yaml);
            Assert.Equal("nc-" + i, Str(result, "metadata.name"));
            var got = (MappingNode)result["spec"]!;
            Assert.True(NodePaths.DeepEquals(NormalizeAuto(spec), NormalizeAuto(got)),
                $"case {i} ({alias}) differs.\nsource:\n{source}\nOSS:\n{oss.Yaml}\nback:\n{back.Yaml}");
        }
    }

    private static MappingNode RandomOssSpec(Random r, out string alias)
    {
        string family = Pick(r, new[] { "bottlerocket", "al2023" });
        alias = family + "@latest";
        var spec = new MappingNode();
        if (r.Next(2) == 0)
        {
            spec.Set("role", ScalarNode.String("KarpenterNodeRole-" + Hex(r, 6)));
        }
        else
        {
            spec.Set("instanceProfile", ScalarNode.String("eks-" + Hex(r, 6)));
        }

        spec.Set("amiSelectorTerms", new SequenceNode(new[] { Map(("alias", ScalarNode.String(alias))) }));
        spec.Set("subnetSelectorTerms", Terms(r, "subnet-", allowName: false));
        spec.Set("securityGroupSelectorTerms", Terms(r, "sg-", allowName: true));
        if (r.Next(3) == 0)
        {
            spec.Set("capacityReservationSelectorTerms", Reservations(r, "ownerID"));
        }

        if (r.Next(2) == 0)
        {
            spec.Set("associatePublicIPAddress", ScalarNode.Plain(r.Next(2) == 0 ? "true" : "false"));
        }

        if (r.Next(2) == 0)
        {
            spec.Set("tags", Tags(r, 4));
        }

        ManifestNode? kms = r.Next(3) == 0 ? ScalarNode.String("alias/k-" + Hex(r, 4)) : null;
        var data = Map(("encrypted", ScalarNode.Plain("true")), ("iops", ScalarNode.Plain(r.Next(3000, 16001).ToString(CultureInfo.InvariantCulture))),
            ("throughput", ScalarNode.Plain(r.Next(125, 1001).ToString(CultureInfo.InvariantCulture))), ("volumeSize", ScalarNode.String(Pick(r, Sizes))), ("volumeType", ScalarNode.String("gp3")));
        var bdm = new SequenceNode();
        if (family == "bottlerocket")
        {
            var os = Map(("encrypted", ScalarNode.Plain("true")), ("volumeSize", ScalarNode.String("4Gi")), ("volumeType", ScalarNode.String("gp3")));
            if (kms is not null) os.Set("kmsKeyID", kms.Clone());
            bdm.Add(Map(("deviceName", ScalarNode.String("/dev/xvda")), ("ebs", os)));
            if (kms is not null) data.Set("kmsKeyID", kms.Clone());
            bdm.Add(Map(("deviceName", ScalarNode.String("/dev/xvdb")), ("ebs", data)));
        }
        else
        {
            if (kms is not null) data.Set("kmsKeyID", kms.Clone());
            bdm.Add(Map(("deviceName", ScalarNode.String("/dev/xvda")), ("ebs", data), ("rootVolume", ScalarNode.Plain("true"))));
        }

        spec.Set("blockDeviceMappings", bdm);
        spec.Set("metadataOptions", Map(("httpEndpoint", ScalarNode.String("enabled")), ("httpProtocolIPv6", ScalarNode.String("disabled")),
            ("httpPutResponseHopLimit", ScalarNode.Plain("1")), ("httpTokens", ScalarNode.String("required"))));
        return spec;
    }

    [Fact]
    public void OSS_to_Auto_to_OSS_preserves_every_field_that_Auto_Mode_can_carry()
    {
        var rng = new Random(777);
        for (int i = 0; i < Cases; i++)
        {
            var spec = RandomOssSpec(rng, out string alias);
            string source = Document("karpenter.k8s.aws/v1", "EC2NodeClass", "ec2-" + i, spec);

            var auto = One(ConversionDirection.OssToAuto, source);
            Assert.True(auto.IsValid, $"case {i}: {string.Join("; ", auto.ValidationErrors)}\n{auto.Yaml}");
            var back = One(ConversionDirection.AutoToOss, auto.Yaml, new ConversionOptions { AmiAlias = alias });
            Assert.True(back.IsValid, $"case {i}: {string.Join("; ", back.ValidationErrors)}\n{back.Yaml}");

            var got = (MappingNode)Parse(back.Yaml)["spec"]!;
            Assert.True(NodePaths.DeepEquals(spec, got), $"case {i} differs.\nsource:\n{source}\nAuto:\n{auto.Yaml}\nback:\n{back.Yaml}");
        }
    }

    // ------------------------------------------------------------------ NodePool

    private static readonly string[] AutoKeys =
    {
        "eks.amazonaws.com/instance-category", "eks.amazonaws.com/instance-generation", "eks.amazonaws.com/instance-family",
        "eks.amazonaws.com/instance-size", "eks.amazonaws.com/instance-cpu", "eks.amazonaws.com/instance-memory",
        "eks.amazonaws.com/instance-gpu-count", "eks.amazonaws.com/instance-hypervisor", "eks.amazonaws.com/instance-local-nvme",
        "kubernetes.io/arch", "topology.kubernetes.io/zone", "karpenter.sh/capacity-type", "node.kubernetes.io/instance-type", "example.com/team",
    };

    private static string ToOssKey(string key) => key.Replace("eks.amazonaws.com/instance-", "karpenter.k8s.aws/instance-", StringComparison.Ordinal);

    private static MappingNode RandomPoolSpec(Random r, bool auto)
    {
        var reqs = new SequenceNode();
        int n = r.Next(1, 6);
        for (int i = 0; i < n; i++)
        {
            string key = Pick(r, AutoKeys);
            if (!auto) key = ToOssKey(key);
            string op = Pick(r, new[] { "In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt", "Gte", "Lte" });
            var req = Map(("key", ScalarNode.String(key)), ("operator", ScalarNode.String(op)));
            if (op is "In" or "NotIn")
            {
                // An In on capacity-type needs a known value, or the NodePool controller rejects the pool (KC-NP-002).
                string[] pool = key == "karpenter.sh/capacity-type" ? new[] { "on-demand", "spot", "reserved" } : new[] { "c", "m", "5", "on-demand", "yes", "0042", "amd64", "us-east-1a" };
                req.Set("values", new SequenceNode(Enumerable.Range(0, r.Next(1, 4)).Select(_ => (ManifestNode)ScalarNode.String(Pick(r, pool)))));
            }
            else if (op is "Gt" or "Lt" or "Gte" or "Lte")
            {
                req.Set("values", new SequenceNode(new[] { (ManifestNode)ScalarNode.String(r.Next(0, 100000).ToString(CultureInfo.InvariantCulture)) }));
            }

            if (op == "In" && r.Next(4) == 0)
            {
                req.Set("minValues", ScalarNode.Plain("1"));
            }

            reqs.Add(req);
        }

        var tspec = Map(("nodeClassRef", Map(("group", ScalarNode.String(auto ? "eks.amazonaws.com" : "karpenter.k8s.aws")), ("kind", ScalarNode.String(auto ? "NodeClass" : "EC2NodeClass")), ("name", ScalarNode.String("nc-" + Hex(r, 4))))),
            ("requirements", reqs));
        int graceHours = r.Next(3) == 0 ? -1 : r.Next(1, 72);
        if (graceHours > 0)
        {
            tspec.Set("terminationGracePeriod", ScalarNode.String(graceHours + "h"));
        }

        tspec.Set("expireAfter", ScalarNode.String(r.Next(1, 504 - (graceHours > 0 ? graceHours : 24) + 1) + "h"));
        if (r.Next(2) == 0)
        {
            tspec.Set("taints", new SequenceNode(new[] { (ManifestNode)Map(("effect", ScalarNode.String("NoSchedule")), ("key", ScalarNode.String("dedicated")), ("value", ScalarNode.String(Pick(r, new[] { "gpu", "yes", "true" })))) }));
        }

        var template = Map(("spec", tspec));
        if (r.Next(2) == 0)
        {
            var labels = new MappingNode();
            labels.Set(auto ? "eks.amazonaws.com/instance-family" : "karpenter.k8s.aws/instance-family", ScalarNode.String("m7i"));
            labels.Set("team", ScalarNode.String(Pick(r, new[] { "a", "on", "0042" })));
            template.Set("metadata", Map(("labels", labels)));
        }

        var spec = Map(("template", template));
        if (r.Next(2) == 0)
        {
            spec.Set("disruption", Map(("budgets", new SequenceNode(new[] { (ManifestNode)Map(("nodes", ScalarNode.String(Pick(r, new[] { "10%", "0", "5" })))) })),
                ("consolidateAfter", ScalarNode.String("30s")), ("consolidationPolicy", ScalarNode.String(Pick(r, new[] { "WhenEmpty", "WhenEmptyOrUnderutilized", "Balanced" })))));
        }

        if (r.Next(2) == 0)
        {
            spec.Set("limits", Map(("cpu", ScalarNode.String(r.Next(1, 1000).ToString(CultureInfo.InvariantCulture))), ("memory", ScalarNode.String("1000Gi"))));
        }

        if (r.Next(3) == 0)
        {
            spec.Set("weight", ScalarNode.Plain(r.Next(1, 101).ToString(CultureInfo.InvariantCulture)));
        }

        return spec;
    }

    /// <summary>Auto Mode applies a 24h grace period when none is set; the OSS conversion writes it explicitly.</summary>
    private static MappingNode WithDefaultGrace(MappingNode spec)
    {
        var copy = (MappingNode)spec.Clone();
        var tspec = copy.GetMapping("template")!.GetMapping("spec")!;
        if (!tspec.ContainsKey("terminationGracePeriod"))
        {
            tspec.Set("terminationGracePeriod", ScalarNode.String("24h"));
        }

        return copy;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void NodePools_survive_the_round_trip_in_both_directions(bool startFromAuto)
    {
        var rng = new Random(startFromAuto ? 31 : 37);
        var first = startFromAuto ? ConversionDirection.AutoToOss : ConversionDirection.OssToAuto;
        var second = startFromAuto ? ConversionDirection.OssToAuto : ConversionDirection.AutoToOss;
        for (int i = 0; i < Cases; i++)
        {
            var spec = RandomPoolSpec(rng, startFromAuto);
            string source = Document("karpenter.sh/v1", "NodePool", "pool-" + i, spec);
            var mid = One(first, source);
            Assert.True(mid.IsValid, $"case {i}: {string.Join("; ", mid.ValidationErrors)}\n{mid.Yaml}");
            var back = One(second, mid.Yaml);
            Assert.True(back.IsValid, $"case {i}: {string.Join("; ", back.ValidationErrors)}\n{back.Yaml}");
            var got = (MappingNode)Parse(back.Yaml)["spec"]!;
            Assert.True(NodePaths.DeepEquals(WithDefaultGrace(spec), WithDefaultGrace(got)), $"case {i} differs.\nsource:\n{source}\nmid:\n{mid.Yaml}\nback:\n{back.Yaml}");
        }
    }
}
