using EksAutoMode.Engine.Manifests;
using EksAutoMode.Engine.Validation;

namespace EksAutoMode.Tests.Unit.Validation;

internal static class V
{
    public static string RepoRoot => TestPaths.RepoRoot;

    public static string Example(string relative) => Path.Combine(TestPaths.Examples, relative);

    public static IReadOnlyList<ManifestFinding> Check(string yaml, ValidationTarget target = ValidationTarget.Auto, string? karpenterVersion = null)
    {
        var read = ManifestReader.ReadText(yaml, "test.yaml");
        Assert.Empty(read.Problems);
        return ManifestValidator.ValidateSet(read.Documents, new ValidationOptions { Target = target, KarpenterVersion = karpenterVersion });
    }

    public static IReadOnlyList<ManifestFinding> Errors(IEnumerable<ManifestFinding> f) => f.Where(x => x.Severity == FindingSeverity.Error).ToList();

    public const string NodeClass = """
        apiVersion: eks.amazonaws.com/v1
        kind: NodeClass
        metadata:
          name: custom
        spec:
          role: MyNodeRole
          subnetSelectorTerms:
            - id: subnet-0abc
          securityGroupSelectorTerms:
            - id: sg-0abc
        """;

    public const string NodePool = """
        apiVersion: karpenter.sh/v1
        kind: NodePool
        metadata:
          name: web
        spec:
          template:
            spec:
              nodeClassRef:
                group: eks.amazonaws.com
                kind: NodeClass
                name: custom
              expireAfter: 336h
              requirements:
                - key: kubernetes.io/arch
                  operator: In
                  values: ["amd64"]
        """;

    public const string Ec2NodeClass = """
        apiVersion: karpenter.k8s.aws/v1
        kind: EC2NodeClass
        metadata:
          name: oss
        spec:
          role: KarpenterNodeRole
          amiSelectorTerms:
            - alias: bottlerocket@latest
          subnetSelectorTerms:
            - tags: {karpenter.sh/discovery: demo}
          securityGroupSelectorTerms:
            - tags: {karpenter.sh/discovery: demo}
        """;

    public const string OssNodePool = """
        apiVersion: karpenter.sh/v1
        kind: NodePool
        metadata:
          name: oss
        spec:
          template:
            spec:
              nodeClassRef:
                group: karpenter.k8s.aws
                kind: EC2NodeClass
                name: oss
              expireAfter: 720h
              requirements:
                - key: karpenter.k8s.aws/instance-category
                  operator: In
                  values: ["c", "m"]
        """;

    /// <summary>Replaces one line (matched by its trimmed text) or appends lines under an anchor line.</summary>
    public static string Edit(string yaml, string find, string replace)
    {
        Assert.Contains(find, yaml);
        return yaml.Replace(find, replace);
    }
}
