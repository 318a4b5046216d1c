using EksAutoMode.Engine.Manifests;
using EksAutoMode.Engine.Validation;

namespace EksAutoMode.Tests.Unit.Validation;

/// <summary>
/// Every rule has a failing example (the expected RuleId and text appear) and a passing one (the same document
/// fixed, checked to produce no Error). A coverage test ensures every CEL message of the built-in schemas and
/// every policy rule has a failing case here.
/// </summary>
public class RuleCaseTests
{
    private const string SubnetsSgs = "subnetSelectorTerms: [{id: subnet-1}], securityGroupSelectorTerms: [{id: sg-1}]";

    private static string NC(string spec, string name = "c") => $"apiVersion: eks.amazonaws.com/v1\nkind: NodeClass\nmetadata: {{name: {name}}}\nspec: {{{spec}}}\n";

    private static string EC2(string spec) => $"apiVersion: karpenter.k8s.aws/v1\nkind: EC2NodeClass\nmetadata: {{name: e}}\nspec: {{{spec}}}\n";

    private const string Ec2Base = "role: R, amiSelectorTerms: [{alias: al2023@latest}], subnetSelectorTerms: [{id: subnet-1}], securityGroupSelectorTerms: [{id: sg-1}]";

    private const string Reqs = "requirements: [{key: kubernetes.io/arch, operator: In, values: [amd64]}]";

    private static string NP(string spec = "", string templateSpec = "", string name = "p", string labels = "", string group = "eks.amazonaws.com", string kind = "NodeClass", string refName = "c", string expire = "expireAfter: 336h, ") =>
        $"apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: {{name: {name}}}\nspec: {{{spec}template: {{{(labels.Length > 0 ? "metadata: {labels: {" + labels + "}}, " : string.Empty)}spec: {{{expire}nodeClassRef: {{group: {group}, kind: {kind}, name: {refName}}}, {(templateSpec.Length > 0 ? templateSpec : Reqs)}}}}}}}\n";

    /// <summary>(case name, failing document, expected rule id, expected text in "path: message" or hint, passing document).</summary>
    public static readonly TheoryData<string, string, string, string, string> Cases = new()
    {
        // ---- structural (API-server wording) ----
        { "required", NC("role: R, subnetSelectorTerms: [{id: subnet-1}]"), "K8S-Required", "spec.securityGroupSelectorTerms: Required value", NC("role: R, " + SubnetsSgs) },
        { "type", NP(templateSpec: "requirements: [{key: eks.amazonaws.com/instance-generation, operator: Gt, values: [4]}]"), "K8S-Type", "spec.template.spec.requirements[0].values[0]: Invalid value: \"integer\": spec.template.spec.requirements[0].values[0] in body must be of type string: \"integer\"", NP(templateSpec: "requirements: [{key: eks.amazonaws.com/instance-generation, operator: Gt, values: [\"4\"]}]") },
        { "enum", NC("role: R, snatPolicy: random, " + SubnetsSgs), "K8S-Enum", "spec.snatPolicy: Unsupported value: \"random\": supported values: \"Random\", \"Disabled\"", NC("role: R, snatPolicy: Random, " + SubnetsSgs) },
        { "pattern", NC("role: R, subnetSelectorTerms: [{id: sn-1}], securityGroupSelectorTerms: [{id: sg-1}]"), "K8S-Pattern", "spec.subnetSelectorTerms[0].id: Invalid value: \"sn-1\": spec.subnetSelectorTerms[0].id in body should match 'subnet-[0-9a-z]+'", NC("role: R, " + SubnetsSgs) },
        { "maxLength", NC("role: " + new string('r', 65) + ", " + SubnetsSgs), "K8S-MaxLength", "spec.role: Too long: may not be more than 64 bytes", NC("role: " + new string('r', 64) + ", " + SubnetsSgs) },
        { "minLength", EC2(Ec2Base + ", placementGroupSelector: {name: ''}"), "K8S-MinLength", "spec.placementGroupSelector.name: Invalid value: \"\": spec.placementGroupSelector.name in body should be at least 1 chars long", EC2(Ec2Base + ", placementGroupSelector: {name: pg}") },
        { "maxItems", NC("role: R, securityGroupSelectorTerms: [{id: sg-1}], subnetSelectorTerms: [" + string.Join(", ", Enumerable.Range(1, 31).Select(i => "{id: subnet-" + i + "}")) + "]"), "K8S-MaxItems", "spec.subnetSelectorTerms: Too many: 31: must have at most 30 items", NC("role: R, securityGroupSelectorTerms: [{id: sg-1}], subnetSelectorTerms: [" + string.Join(", ", Enumerable.Range(1, 30).Select(i => "{id: subnet-" + i + "}")) + "]") },
        { "minItems", EC2("role: R, amiFamily: AL2023, amiSelectorTerms: [], subnetSelectorTerms: [{id: subnet-1}], securityGroupSelectorTerms: [{id: sg-1}]"), "K8S-MinItems", "spec.amiSelectorTerms: Invalid value: 0: spec.amiSelectorTerms in body should have at least 1 items", EC2(Ec2Base) },
        { "maxProperties", NC("role: R, subnetSelectorTerms: [{tags: {" + string.Join(", ", Enumerable.Range(1, 21).Select(i => "k" + i + ": v")) + "}}], securityGroupSelectorTerms: [{id: sg-1}]"), "K8S-MaxProperties", "spec.subnetSelectorTerms[0].tags: Too many: 21: must have at most 20 items", NC("role: R, subnetSelectorTerms: [{tags: {" + string.Join(", ", Enumerable.Range(1, 20).Select(i => "k" + i + ": v")) + "}}], securityGroupSelectorTerms: [{id: sg-1}]") },
        { "minimum", NP(spec: "weight: 0, "), "K8S-Minimum", "spec.weight: Invalid value: 0: spec.weight in body should be greater than or equal to 1", NP(spec: "weight: 1, ") },
        { "maximum", NC("role: R, ephemeralStorage: {iops: 16001}, " + SubnetsSgs), "K8S-Maximum", "spec.ephemeralStorage.iops: Invalid value: 16001: spec.ephemeralStorage.iops in body should be less than or equal to 16000", NC("role: R, ephemeralStorage: {iops: 16000}, " + SubnetsSgs) },
        { "unknown field", NC("role: R, ssmParameter: x, " + SubnetsSgs), "K8S-UnknownField", "unknown field \"spec.ssmParameter\": not a field of NodeClass as of 2026-01-31", NC("role: R, " + SubnetsSgs) },
        { "set duplicates", NP(spec: "disruption: {consolidateAfter: 0s, budgets: [{nodes: '1', reasons: [Empty, Empty]}]}, "), "K8S-Duplicate", "spec.disruption.budgets[0].reasons[1]: Duplicate value: \"Empty\"", NP(spec: "disruption: {consolidateAfter: 0s, budgets: [{nodes: '1', reasons: [Empty, Drifted]}]}, ") },
        { "metadata.name", NC("role: R, " + SubnetsSgs, name: "My_Class"), "K8S-Name", "metadata.name: Invalid value: \"My_Class\": a lowercase RFC 1123 subdomain", NC("role: R, " + SubnetsSgs, name: "my-class") },
        { "apiVersion not covered", NP().Replace("karpenter.sh/v1", "karpenter.sh/v1beta1"), "K8S-UnsupportedVersion", "no schema for karpenter.sh/v1beta1 NodePool: only karpenter.sh/v1 is checked", NP() },
        { "CEL skipped after blocking error", NC("role: '', snatPolicy: x, " + SubnetsSgs), "K8S-CelNotChecked", "<nil>: Invalid value: \"null\": some validation rules were not checked", NC("role: R, " + SubnetsSgs) },

        // ---- NodePool CEL (karpenter.sh_nodepools.yaml) ----
        { "static limits", NP(spec: "replicas: 2, limits: {cpu: 10}, "), "K8S-Cel", "spec: Invalid value: \"object\": only 'limits.nodes' is supported on static NodePools", NP(spec: "replicas: 2, limits: {nodes: 10}, ") },
        { "static weight", NP(spec: "replicas: 2, weight: 10, "), "K8S-Cel", "spec: Invalid value: \"object\": 'weight' is not supported on static NodePools", NP(spec: "replicas: 2, ") },
        { "budget schedule", NP(spec: "disruption: {consolidateAfter: 0s, budgets: [{nodes: '0', schedule: '@daily'}]}, "), "K8S-Cel", "spec.disruption.budgets: Invalid value: \"array\": 'schedule' must be set with 'duration'", NP(spec: "disruption: {consolidateAfter: 0s, budgets: [{nodes: '0', schedule: '@daily', duration: 10m}]}, ") },
        { "label karpenter.sh", NP(labels: "karpenter.sh/team: a"), "K8S-Cel", "spec.template.metadata.labels: Invalid value: \"object\": label domain \"karpenter.sh\" is restricted", NP(labels: "karpenter.sh/capacity-type: spot") },
        { "label nodepool", NP(labels: "karpenter.sh/nodepool: a"), "K8S-Cel", "label \"karpenter.sh/nodepool\" is restricted", NP(labels: "team: a") },
        { "label hostname", NP(labels: "kubernetes.io/hostname: a"), "K8S-Cel", "label \"kubernetes.io/hostname\" is restricted", NP(labels: "kubernetes.io/team: a") },
        { "label karpenter.k8s.aws", NP(labels: "karpenter.k8s.aws/team: a"), "K8S-Cel", "label domain \"karpenter.k8s.aws\" is restricted", NP(labels: "karpenter.k8s.aws/instance-family: m5") },
        { "requirement key karpenter.sh", NP(templateSpec: "requirements: [{key: karpenter.sh/foo, operator: Exists}]"), "K8S-Cel", "spec.template.spec.requirements[0].key: Invalid value: \"string\": label domain \"karpenter.sh\" is restricted", NP(templateSpec: "requirements: [{key: karpenter.sh/capacity-type, operator: Exists}]") },
        { "requirement key nodepool", NP(templateSpec: "requirements: [{key: karpenter.sh/nodepool, operator: Exists}]"), "K8S-Cel", "spec.template.spec.requirements[0].key: Invalid value: \"string\": label \"karpenter.sh/nodepool\" is restricted", NP() },
        { "requirement key hostname", NP(templateSpec: "requirements: [{key: kubernetes.io/hostname, operator: Exists}]"), "K8S-Cel", "spec.template.spec.requirements[0].key: Invalid value: \"string\": label \"kubernetes.io/hostname\" is restricted", NP() },
        { "requirement key karpenter.k8s.aws", NP(templateSpec: "requirements: [{key: karpenter.k8s.aws/foo, operator: Exists}]", group: "karpenter.k8s.aws", kind: "EC2NodeClass"), "K8S-Cel", "spec.template.spec.requirements[0].key: Invalid value: \"string\": label domain \"karpenter.k8s.aws\" is restricted", NP(templateSpec: "requirements: [{key: karpenter.k8s.aws/instance-family, operator: Exists}]", group: "karpenter.k8s.aws", kind: "EC2NodeClass") },
        { "group empty", NP(group: "''"), "K8S-Cel", "spec.template.spec.nodeClassRef.group: Invalid value: \"string\": group may not be empty", NP() },
        { "kind empty", NP(kind: "''"), "K8S-Cel", "spec.template.spec.nodeClassRef.kind: Invalid value: \"string\": kind may not be empty", NP() },
        { "name empty", NP(refName: "''"), "K8S-Cel", "spec.template.spec.nodeClassRef.name: Invalid value: \"string\": name may not be empty", NP() },
        { "In without values", NP(templateSpec: "requirements: [{key: kubernetes.io/arch, operator: In, values: []}]"), "K8S-Cel", "spec.template.spec.requirements: Invalid value: \"array\": requirements with operator 'In' must have a value defined", NP() },
        { "Gt two values", NP(templateSpec: "requirements: [{key: eks.amazonaws.com/instance-cpu, operator: Gt, values: ['1', '2']}]"), "K8S-Cel", "spec.template.spec.requirements: Invalid value: \"array\": requirements operator 'Gt', 'Lt', 'Gte', or 'Lte' must have a single positive integer value", NP(templateSpec: "requirements: [{key: eks.amazonaws.com/instance-cpu, operator: Gt, values: ['1']}]") },
        { "minValues", NP(templateSpec: "requirements: [{key: eks.amazonaws.com/instance-family, operator: In, values: [m5], minValues: 2}]"), "K8S-Cel", "requirements with 'minValues' must have at least that many values specified in the 'values' field", NP(templateSpec: "requirements: [{key: eks.amazonaws.com/instance-family, operator: In, values: [m5, c5], minValues: 2}]") },

        // ---- Auto Mode NodeClass CEL (eks.amazonaws.com_nodeclasses.yaml) ----
        { "NC role empty", NC("role: '', " + SubnetsSgs), "K8S-Cel", "spec.role: Invalid value: \"string\": role cannot be empty", NC("role: R, " + SubnetsSgs) },
        { "NC subnets empty", NC("role: R, subnetSelectorTerms: [], securityGroupSelectorTerms: [{id: sg-1}]"), "K8S-Cel", "spec.subnetSelectorTerms: Invalid value: \"array\": subnetSelectorTerms cannot be empty", NC("role: R, " + SubnetsSgs) },
        { "NC subnet term empty", NC("role: R, subnetSelectorTerms: [{}], securityGroupSelectorTerms: [{id: sg-1}]"), "K8S-Cel", "expected at least one, got none, ['tags', 'id']", NC("role: R, " + SubnetsSgs) },
        { "NC subnet id exclusive", NC("role: R, subnetSelectorTerms: [{id: subnet-1, tags: {a: b}}], securityGroupSelectorTerms: [{id: sg-1}]"), "K8S-Cel", "'id' is mutually exclusive, cannot be set with a combination of other fields in subnetSelectorTerms", NC("role: R, subnetSelectorTerms: [{id: subnet-1}, {tags: {a: b}}], securityGroupSelectorTerms: [{id: sg-1}]") },
        { "NC sgs empty", NC("role: R, subnetSelectorTerms: [{id: subnet-1}], securityGroupSelectorTerms: []"), "K8S-Cel", "securityGroupSelectorTerms cannot be empty", NC("role: R, " + SubnetsSgs) },
        { "NC sg term empty", NC("role: R, subnetSelectorTerms: [{id: subnet-1}], securityGroupSelectorTerms: [{}]"), "K8S-Cel", "expected at least one, got none, ['tags', 'id', 'name']", NC("role: R, " + SubnetsSgs) },
        { "NC sg id exclusive", NC("role: R, subnetSelectorTerms: [{id: subnet-1}], securityGroupSelectorTerms: [{id: sg-1, name: web}]"), "K8S-Cel", "'id' is mutually exclusive, cannot be set with a combination of other fields in securityGroupSelectorTerms", NC("role: R, subnetSelectorTerms: [{id: subnet-1}], securityGroupSelectorTerms: [{name: web}]") },
        { "NC sg name exclusive", NC("role: R, subnetSelectorTerms: [{id: subnet-1}], securityGroupSelectorTerms: [{name: web, tags: {a: b}}]"), "K8S-Cel", "'name' is mutually exclusive, cannot be set with a combination of other fields in securityGroupSelectorTerms", NC("role: R, subnetSelectorTerms: [{id: subnet-1}], securityGroupSelectorTerms: [{tags: {a: b}}]") },
        { "NC selector tag empty", NC("role: R, subnetSelectorTerms: [{tags: {a: ''}}], securityGroupSelectorTerms: [{id: sg-1}]"), "K8S-Cel", "spec.subnetSelectorTerms[0].tags: Invalid value: \"object\": empty tag keys or values aren't supported", NC("role: R, subnetSelectorTerms: [{tags: {a: '*'}}], securityGroupSelectorTerms: [{id: sg-1}]") },
        { "NC tag key empty", NC("role: R, tags: {'': x}, " + SubnetsSgs), "K8S-Cel", "spec.tags: Invalid value: \"object\": empty tag keys aren't supported", NC("role: R, tags: {team: x}, " + SubnetsSgs) },
        { "NC tag cluster", NC("role: R, tags: {kubernetes.io/cluster/demo: owned}, " + SubnetsSgs), "K8S-Cel", "tag contains a restricted tag matching kubernetes.io/cluster/", NC("role: R, tags: {team: x}, " + SubnetsSgs) },
        { "NC tag provisioner", NC("role: R, tags: {karpenter.sh/provisioner-name: x}, " + SubnetsSgs), "K8S-Cel", "tag contains a restricted tag matching karpenter.sh/provisioner-name", NC("role: R, tags: {team: x}, " + SubnetsSgs) },
        { "NC tag nodepool", NC("role: R, tags: {karpenter.sh/nodepool: x}, " + SubnetsSgs), "K8S-Cel", "tag contains a restricted tag matching karpenter.sh/nodepool", NC("role: R, tags: {team: x}, " + SubnetsSgs) },
        { "NC tag nodeclaim", NC("role: R, tags: {karpenter.sh/nodeclaim: x}, " + SubnetsSgs), "K8S-Cel", "tag contains a restricted tag matching karpenter.sh/nodeclaim", NC("role: R, tags: {team: x}, " + SubnetsSgs) },
        { "NC tag managed-by", NC("role: R, tags: {karpenter.sh/managed-by: x}, " + SubnetsSgs), "K8S-Cel", "tag contains a restricted tag matching karpenter.sh/managed-by", NC("role: R, tags: {team: x}, " + SubnetsSgs) },
        { "NC tag nodeclass", NC("role: R, tags: {eks.amazonaws.com/nodeclass: x}, " + SubnetsSgs), "K8S-Cel", "tag contains a restricted tag matching eks.amazonaws.com/nodeclass", NC("role: R, tags: {team: x}, " + SubnetsSgs) },

        // ---- EC2NodeClass CEL (karpenter.k8s.aws_ec2nodeclasses.yaml) ----
        { "EC2 role xor profile", EC2(Ec2Base + ", instanceProfile: P"), "K8S-Cel", "spec: Invalid value: \"object\": must specify exactly one of ['role', 'instanceProfile']", EC2(Ec2Base) },
        { "EC2 AL2 alias", EC2(Ec2Base.Replace("al2023@latest", "al2@latest") + ", amiFamily: AL2023"), "K8S-Cel", "if set, amiFamily must be 'AL2' or 'Custom' when using an AL2 alias", EC2(Ec2Base.Replace("al2023@latest", "al2@latest") + ", amiFamily: AL2") },
        { "EC2 AL2023 alias", EC2(Ec2Base + ", amiFamily: AL2"), "K8S-Cel", "if set, amiFamily must be 'AL2023' or 'Custom' when using an AL2023 alias", EC2(Ec2Base + ", amiFamily: Custom") },
        { "EC2 Bottlerocket alias", EC2(Ec2Base.Replace("al2023@latest", "bottlerocket@latest") + ", amiFamily: AL2"), "K8S-Cel", "if set, amiFamily must be 'Bottlerocket' or 'Custom' when using a Bottlerocket alias", EC2(Ec2Base.Replace("al2023@latest", "bottlerocket@latest") + ", amiFamily: Bottlerocket") },
        { "EC2 Windows2019 alias", EC2(Ec2Base.Replace("al2023@latest", "windows2019@latest") + ", amiFamily: AL2"), "K8S-Cel", "if set, amiFamily must be 'Windows2019' or 'Custom' when using a Windows2019 alias", EC2(Ec2Base.Replace("al2023@latest", "windows2019@latest") + ", amiFamily: Windows2019") },
        { "EC2 Windows2022 alias", EC2(Ec2Base.Replace("al2023@latest", "windows2022@latest") + ", amiFamily: AL2"), "K8S-Cel", "if set, amiFamily must be 'Windows2022' or 'Custom' when using a Windows2022 alias", EC2(Ec2Base.Replace("al2023@latest", "windows2022@latest") + ", amiFamily: Windows2022") },
        { "EC2 Windows2025 alias", EC2(Ec2Base.Replace("al2023@latest", "windows2025@latest") + ", amiFamily: AL2"), "K8S-Cel", "if set, amiFamily must be 'Windows2025' or 'Custom' when using a Windows2025 alias", EC2(Ec2Base.Replace("al2023@latest", "windows2025@latest") + ", amiFamily: Windows2025") },
        { "EC2 amiFamily needed", EC2(Ec2Base.Replace("alias: al2023@latest", "id: ami-1")), "K8S-Cel", "must specify amiFamily if amiSelectorTerms does not contain an alias", EC2(Ec2Base.Replace("alias: al2023@latest", "id: ami-1") + ", amiFamily: AL2023") },
        { "EC2 ami term empty", EC2(Ec2Base.Replace("{alias: al2023@latest}", "{owner: self}") + ", amiFamily: AL2023"), "K8S-Cel", "expected at least one, got none, ['tags', 'id', 'name', 'alias', 'ssmParameter']", EC2(Ec2Base.Replace("{alias: al2023@latest}", "{owner: self, name: my-ami}") + ", amiFamily: AL2023") },
        { "EC2 ami id exclusive", EC2(Ec2Base.Replace("alias: al2023@latest", "id: ami-1, name: x") + ", amiFamily: AL2023"), "K8S-Cel", "'id' is mutually exclusive, cannot be set with a combination of other fields in amiSelectorTerms", EC2(Ec2Base.Replace("alias: al2023@latest", "id: ami-1") + ", amiFamily: AL2023") },
        { "EC2 alias exclusive fields", EC2(Ec2Base.Replace("alias: al2023@latest", "alias: al2023@latest, owner: self")), "K8S-Cel", "'alias' is mutually exclusive, cannot be set with a combination of other fields in amiSelectorTerms", EC2(Ec2Base) },
        { "EC2 alias exclusive terms", EC2(Ec2Base.Replace("{alias: al2023@latest}", "{alias: al2023@latest}, {name: x}")), "K8S-Cel", "'alias' is mutually exclusive, cannot be set with a combination of other amiSelectorTerms", EC2(Ec2Base) },
        { "EC2 alias format", EC2(Ec2Base.Replace("al2023@latest", "al2023")), "K8S-Cel", "spec.amiSelectorTerms[0].alias: Invalid value: \"string\": 'alias' is improperly formatted, must match the format 'family@version'", EC2(Ec2Base) },
        { "EC2 alias family", EC2(Ec2Base.Replace("al2023@latest", "ubuntu@latest")), "K8S-Cel", "family is not supported, must be one of the following: 'al2', 'al2023', 'bottlerocket', 'windows2019', 'windows2022', 'windows2025'", EC2(Ec2Base) },
        { "EC2 windows version", EC2(Ec2Base.Replace("al2023@latest", "windows2022@v20250101")), "K8S-Cel", "windows families may only specify version 'latest'", EC2(Ec2Base.Replace("al2023@latest", "windows2022@latest")) },
        { "EC2 root volumes", EC2(Ec2Base + ", blockDeviceMappings: [{deviceName: /dev/xvda, rootVolume: true, ebs: {volumeSize: 20Gi}}, {deviceName: /dev/xvdb, rootVolume: true, ebs: {volumeSize: 20Gi}}]"), "K8S-Cel", "must have only one blockDeviceMappings with rootVolume", EC2(Ec2Base + ", blockDeviceMappings: [{deviceName: /dev/xvda, rootVolume: true, ebs: {volumeSize: 20Gi}}, {deviceName: /dev/xvdb, ebs: {volumeSize: 20Gi}}]") },
        { "EC2 ebs size", EC2(Ec2Base + ", blockDeviceMappings: [{deviceName: /dev/xvda, ebs: {volumeType: gp3}}]"), "K8S-Cel", "spec.blockDeviceMappings[0].ebs: Invalid value: \"object\": snapshotID or volumeSize must be defined", EC2(Ec2Base + ", blockDeviceMappings: [{deviceName: /dev/xvda, ebs: {volumeType: gp3, volumeSize: 20Gi}}]") },
        { "EC2 ebs init rate", EC2(Ec2Base + ", blockDeviceMappings: [{deviceName: /dev/xvda, ebs: {volumeSize: 20Gi, volumeInitializationRate: 150}}]"), "K8S-Cel", "snapshotID must be set when volumeInitializationRate is set", EC2(Ec2Base + ", blockDeviceMappings: [{deviceName: /dev/xvda, ebs: {snapshotID: snap-1, volumeInitializationRate: 150}}]") },
        { "EC2 odcr term empty", EC2(Ec2Base + ", capacityReservationSelectorTerms: [{ownerID: '123456789012'}]"), "K8S-Cel", "expected at least one, got none, ['tags', 'id', 'instanceMatchCriteria']", EC2(Ec2Base + ", capacityReservationSelectorTerms: [{ownerID: '123456789012', instanceMatchCriteria: open}]") },
        { "EC2 odcr id exclusive", EC2(Ec2Base + ", capacityReservationSelectorTerms: [{id: cr-1, ownerID: '123456789012'}]"), "K8S-Cel", "'id' is mutually exclusive, cannot be set along with other fields in a capacity reservation selector term", EC2(Ec2Base + ", capacityReservationSelectorTerms: [{id: cr-1}]") },
        { "EC2 conntrack", EC2(Ec2Base + ", connectionTracking: {}"), "K8S-Cel", "at least one of tcpEstablishedTimeout, udpStreamTimeout, or udpTimeout must be set", EC2(Ec2Base + ", connectionTracking: {udpTimeout: 30}") },
        { "EC2 profile empty", EC2(Ec2Base.Replace("role: R", "instanceProfile: ''")), "K8S-Cel", "spec.instanceProfile: Invalid value: \"string\": instanceProfile cannot be empty", EC2(Ec2Base.Replace("role: R", "instanceProfile: P")) },
        { "EC2 role empty", EC2(Ec2Base.Replace("role: R", "role: ''")), "K8S-Cel", "spec.role: Invalid value: \"string\": role cannot be empty", EC2(Ec2Base) },
        { "EC2 primary interface", EC2(Ec2Base + ", networkInterfaces: [{deviceIndex: 1, networkCardIndex: 0, interfaceType: interface}]"), "K8S-Cel", "networkInterfaces must include a primary interface with interfaceType='interface'", EC2(Ec2Base + ", networkInterfaces: [{deviceIndex: 0, networkCardIndex: 0, interfaceType: interface}]") },
        { "EC2 duplicate interfaces", EC2(Ec2Base + ", networkInterfaces: [{deviceIndex: 0, networkCardIndex: 0, interfaceType: interface}, {deviceIndex: 0, networkCardIndex: 0, interfaceType: efa-only}]"), "K8S-Cel", "networkInterfaces must not have duplicate networkCardIndex and deviceIndex pairs, and can have at most one efa device per network card", EC2(Ec2Base + ", networkInterfaces: [{deviceIndex: 0, networkCardIndex: 0, interfaceType: interface}, {deviceIndex: 1, networkCardIndex: 0, interfaceType: efa-only}]") },
        { "EC2 placement empty", EC2(Ec2Base + ", placementGroupSelector: {}"), "K8S-Cel", "expected at least one, got none, ['name', 'id']", EC2(Ec2Base + ", placementGroupSelector: {id: pg-1}") },
        { "EC2 placement both", EC2(Ec2Base + ", placementGroupSelector: {name: a, id: pg-1}"), "K8S-Cel", "'name' and 'id' are mutually exclusive", EC2(Ec2Base + ", placementGroupSelector: {name: a}") },
        { "EC2 sgs empty", EC2(Ec2Base.Replace("securityGroupSelectorTerms: [{id: sg-1}]", "securityGroupSelectorTerms: []")), "K8S-Cel", "spec.securityGroupSelectorTerms: Invalid value: \"array\": securityGroupSelectorTerms cannot be empty", EC2(Ec2Base) },
        { "EC2 sg term empty", EC2(Ec2Base.Replace("securityGroupSelectorTerms: [{id: sg-1}]", "securityGroupSelectorTerms: [{}]")), "K8S-Cel", "spec.securityGroupSelectorTerms: Invalid value: \"array\": expected at least one, got none, ['tags', 'id', 'name']", EC2(Ec2Base) },
        { "EC2 sg id exclusive", EC2(Ec2Base.Replace("{id: sg-1}", "{id: sg-1, tags: {a: b}}")), "K8S-Cel", "'id' is mutually exclusive, cannot be set with a combination of other fields in a security group selector term", EC2(Ec2Base) },
        { "EC2 sg name exclusive", EC2(Ec2Base.Replace("{id: sg-1}", "{name: web, tags: {a: b}}")), "K8S-Cel", "'name' is mutually exclusive, cannot be set with a combination of other fields in a security group selector term", EC2(Ec2Base.Replace("{id: sg-1}", "{name: web}")) },
        { "EC2 subnets empty", EC2(Ec2Base.Replace("subnetSelectorTerms: [{id: subnet-1}]", "subnetSelectorTerms: []")), "K8S-Cel", "spec.subnetSelectorTerms: Invalid value: \"array\": subnetSelectorTerms cannot be empty", EC2(Ec2Base) },
        { "EC2 subnet term empty", EC2(Ec2Base.Replace("{id: subnet-1}", "{}")), "K8S-Cel", "spec.subnetSelectorTerms: Invalid value: \"array\": expected at least one, got none, ['tags', 'id']", EC2(Ec2Base) },
        { "EC2 subnet id exclusive", EC2(Ec2Base.Replace("{id: subnet-1}", "{id: subnet-1, tags: {a: b}}")), "K8S-Cel", "'id' is mutually exclusive, cannot be set with a combination of other fields in a subnet selector term", EC2(Ec2Base) },
        { "EC2 tag key empty", EC2(Ec2Base + ", tags: {'': x}"), "K8S-Cel", "empty tag keys aren't supported", EC2(Ec2Base + ", tags: {team: x}") },
        { "EC2 tag cluster name", EC2(Ec2Base + ", tags: {'eks:eks-cluster-name': x}"), "K8S-Cel", "tag contains a restricted tag matching eks:eks-cluster-name", EC2(Ec2Base + ", tags: {team: x}") },
        { "EC2 tag cluster", EC2(Ec2Base + ", tags: {kubernetes.io/cluster/x: owned}"), "K8S-Cel", "spec.tags: Invalid value: \"object\": tag contains a restricted tag matching kubernetes.io/cluster/", EC2(Ec2Base + ", tags: {team: x}") },
        { "EC2 tag nodepool", EC2(Ec2Base + ", tags: {karpenter.sh/nodepool: x}"), "K8S-Cel", "spec.tags: Invalid value: \"object\": tag contains a restricted tag matching karpenter.sh/nodepool", EC2(Ec2Base + ", tags: {team: x}") },
        { "EC2 tag nodeclaim", EC2(Ec2Base + ", tags: {karpenter.sh/nodeclaim: x}"), "K8S-Cel", "spec.tags: Invalid value: \"object\": tag contains a restricted tag matching karpenter.sh/nodeclaim", EC2(Ec2Base + ", tags: {team: x}") },
        { "EC2 tag ec2nodeclass", EC2(Ec2Base + ", tags: {karpenter.k8s.aws/ec2nodeclass: x}"), "K8S-Cel", "tag contains a restricted tag matching karpenter.k8s.aws/ec2nodeclass", EC2(Ec2Base + ", tags: {team: x}") },
        { "1.14 EC2 kubelet gc", EC2(Ec2Base + ", kubelet: {imageGCHighThresholdPercent: 50, imageGCLowThresholdPercent: 60}"), "K8S-Cel", "spec.kubelet: Invalid value: \"object\": imageGCHighThresholdPercent must be greater than imageGCLowThresholdPercent", EC2(Ec2Base + ", kubelet: {imageGCHighThresholdPercent: 80, imageGCLowThresholdPercent: 60}") },
        { "1.14 EC2 kubelet soft", EC2(Ec2Base + ", kubelet: {evictionSoft: {memory.available: 5%}}"), "K8S-Cel", "evictionSoft OwnerKey does not have a matching evictionSoftGracePeriod", EC2(Ec2Base + ", kubelet: {evictionSoft: {memory.available: 5%}, evictionSoftGracePeriod: {memory.available: 1m}}") },
        { "1.14 EC2 kubelet grace", EC2(Ec2Base + ", kubelet: {evictionSoftGracePeriod: {memory.available: 1m}}"), "K8S-Cel", "evictionSoftGracePeriod OwnerKey does not have a matching evictionSoft", EC2(Ec2Base + ", kubelet: {evictionSoft: {memory.available: 5%}, evictionSoftGracePeriod: {memory.available: 1m}}") },
        { "1.14 EC2 kubelet hard keys", EC2(Ec2Base + ", kubelet: {evictionHard: {memory.free: 5%}}"), "K8S-Cel", "spec.kubelet.evictionHard: Invalid value: \"object\": valid keys for evictionHard are ['memory.available','nodefs.available','nodefs.inodesFree','imagefs.available','imagefs.inodesFree','pid.available']", EC2(Ec2Base + ", kubelet: {evictionHard: {memory.available: 5%}}") },
        { "1.14 EC2 kubelet soft keys", EC2(Ec2Base + ", kubelet: {evictionSoft: {memory.free: 5%}, evictionSoftGracePeriod: {memory.free: 1m}}"), "K8S-Cel", "valid keys for evictionSoft are ['memory.available','nodefs.available','nodefs.inodesFree','imagefs.available','imagefs.inodesFree','pid.available']", EC2(Ec2Base + ", kubelet: {evictionSoft: {memory.available: 5%}, evictionSoftGracePeriod: {memory.available: 1m}}") },
        { "1.14 EC2 kubelet grace keys", EC2(Ec2Base + ", kubelet: {evictionSoft: {memory.free: 5%}, evictionSoftGracePeriod: {memory.free: 1m}}"), "K8S-Cel", "valid keys for evictionSoftGracePeriod are ['memory.available','nodefs.available','nodefs.inodesFree','imagefs.available','imagefs.inodesFree','pid.available']", EC2(Ec2Base + ", kubelet: {evictionSoft: {memory.available: 5%}, evictionSoftGracePeriod: {memory.available: 1m}}") },
        { "1.14 EC2 kube reserved keys", EC2(Ec2Base + ", kubelet: {kubeReserved: {gpu: '1'}}"), "K8S-Cel", "valid keys for kubeReserved are ['cpu','memory','ephemeral-storage','pid']", EC2(Ec2Base + ", kubelet: {kubeReserved: {cpu: 100m}}") },
        { "1.14 EC2 kube reserved negative", EC2(Ec2Base + ", kubelet: {kubeReserved: {cpu: -100m}}"), "K8S-Cel", "kubeReserved value cannot be a negative resource quantity", EC2(Ec2Base + ", kubelet: {kubeReserved: {cpu: 100m}}") },
        { "1.14 EC2 system reserved keys", EC2(Ec2Base + ", kubelet: {systemReserved: {gpu: '1'}}"), "K8S-Cel", "valid keys for systemReserved are ['cpu','memory','ephemeral-storage','pid']", EC2(Ec2Base + ", kubelet: {systemReserved: {memory: 100Mi}}") },
        { "1.14 EC2 system reserved negative", EC2(Ec2Base + ", kubelet: {systemReserved: {memory: -1Gi}}"), "K8S-Cel", "systemReserved value cannot be a negative resource quantity", EC2(Ec2Base + ", kubelet: {systemReserved: {memory: 1Gi}}") },

        // ---- Auto Mode policy rules ----
        { "AM-NC-001 role ARN", NC("role: 'arn:aws:iam::123456789012:role/MyNodeRole', " + SubnetsSgs), "AM-NC-001", "Use the role name: role: MyNodeRole", NC("role: MyNodeRole, " + SubnetsSgs) },
        { "AM-NC-002 role name chars", NC("role: 'my role', " + SubnetsSgs), "AM-NC-002", "spec.role: \"my role\" is not a valid IAM role name", NC("role: my-role, " + SubnetsSgs) },
        { "AM-NC-002 role name non-ASCII letter", NC("role: 'nödes', " + SubnetsSgs), "AM-NC-002", "spec.role: \"nödes\" is not a valid IAM role name", NC("role: 'n_+=,.@-odes', " + SubnetsSgs) },
        { "AM-NC-003 neither", NC(SubnetsSgs), "AM-NC-003", "exactly one of spec.role and spec.instanceProfile must be set (neither is set)", NC("instanceProfile: eks-nodes, " + SubnetsSgs) },
        { "AM-NC-003 both", NC("role: R, instanceProfile: eks-nodes, " + SubnetsSgs), "AM-NC-003", "(both are set)", NC("role: R, " + SubnetsSgs) },
        { "AM-NC-004 profile prefix", NC("instanceProfile: nodes, " + SubnetsSgs), "AM-NC-004", "spec.instanceProfile: nodes does not start with \"eks\"", NC("instanceProfile: eks-nodes, " + SubnetsSgs) },
        { "AM-NC-005 amiSelectorTerms", NC("role: R, amiSelectorTerms: [{alias: bottlerocket@latest}], " + SubnetsSgs), "AM-NC-005", "spec.amiSelectorTerms: not an Auto Mode NodeClass field", NC("role: R, " + SubnetsSgs) },
        { "AM-NC-005 userData", NC("role: R, userData: x, " + SubnetsSgs), "AM-NC-005", "Remove it: Auto Mode nodes take no user data", NC("role: R, " + SubnetsSgs) },
        { "AM-NC-005 kubelet", NC("role: R, kubelet: {maxPods: 200}, " + SubnetsSgs), "AM-NC-005", "spec.kubelet: not an Auto Mode NodeClass field", NC("role: R, " + SubnetsSgs) },
        { "AM-NC-005 blockDeviceMappings", NC("role: R, blockDeviceMappings: [], " + SubnetsSgs), "AM-NC-005", "Use spec.ephemeralStorage", NC("role: R, ephemeralStorage: {size: 100Gi}, " + SubnetsSgs) },
        { "AM-NC-005 metadataOptions", NC("role: R, metadataOptions: {httpTokens: required}, " + SubnetsSgs), "AM-NC-005", "Auto Mode fixes IMDSv2", NC("role: R, " + SubnetsSgs) },
        { "AM-NC-005 amiFamily", NC("role: R, amiFamily: Bottlerocket, " + SubnetsSgs), "AM-NC-005", "spec.amiFamily: not an Auto Mode NodeClass field", NC("role: R, " + SubnetsSgs) },
        { "AM-NC-006 tags", NC("role: R, tags: {team: a}, " + SubnetsSgs), "AM-NC-006", "ec2:CreateFleet, ec2:RunInstances and ec2:CreateLaunchTemplate", NC("role: R, " + SubnetsSgs) },
        { "AM-NC-007 default", NC("role: R, " + SubnetsSgs, name: "default"), "AM-NC-007", "must not be named \"default\"", NC("role: R, " + SubnetsSgs, name: "default-2") },
        { "AM-NC-008 pod subnets", NC("role: R, podSubnetSelectorTerms: [{id: subnet-2}], " + SubnetsSgs), "AM-NC-008", "spec.podSubnetSelectorTerms: set without spec.podSecurityGroupSelectorTerms", NC("role: R, podSubnetSelectorTerms: [{id: subnet-2}], podSecurityGroupSelectorTerms: [{id: sg-2}], " + SubnetsSgs) },
        { "AM-NP-001 Never", NP(expire: "expireAfter: Never, "), "AM-NP-001", "expireAfter may not be set to Never", NP() },
        { "AM-NP-002 21 days", NP(expire: "expireAfter: 490h, "), "AM-NP-002", "may not exceed 21 days", NP(expire: "expireAfter: 480h, ") },
        { "AM-NP-003 unset", NP(expire: ""), "AM-NP-003", "spec.template.spec.expireAfter: not set", NP() },
        { "AM-NP-004 OSS keys", NP(templateSpec: "requirements: [{key: karpenter.k8s.aws/instance-family, operator: In, values: [m5]}]"), "AM-NP-004", "Use key: eks.amazonaws.com/instance-family", NP(templateSpec: "requirements: [{key: eks.amazonaws.com/instance-family, operator: In, values: [m5]}]") },
        { "AM-NP-005 windows", NP(templateSpec: "requirements: [{key: kubernetes.io/os, operator: In, values: [windows]}]"), "AM-NP-005", "Auto Mode runs Linux nodes only", NP(templateSpec: "requirements: [{key: kubernetes.io/os, operator: In, values: [linux]}]") },
        { "AM-NP-005 windows-build", NP(templateSpec: "requirements: [{key: node.kubernetes.io/windows-build, operator: Exists}]"), "AM-NP-005", "node.kubernetes.io/windows-build Exists", NP(templateSpec: "requirements: [{key: node.kubernetes.io/windows-build, operator: DoesNotExist}]") },
        { "AM-NP-006 wrong kind", NP(kind: "EC2NodeClass"), "AM-NP-006", "expected group eks.amazonaws.com, kind NodeClass", NP() },
        { "AM-NP-007 system", NP(name: "system"), "AM-NP-007", "must not be named \"system\"", NP(name: "system-2") },
        { "AM-NP-007 general-purpose", NP(name: "general-purpose"), "AM-NP-007", "must not be named \"general-purpose\"", NP(name: "general") },
        { "AM-NP-008 missing class", NP(refName: "other") + "---\n" + NC("role: R, " + SubnetsSgs), "AM-NP-008", "spec.template.spec.nodeClassRef.name: other refers to a NodeClass that is not in the input", NP() + "---\n" + NC("role: R, " + SubnetsSgs) },

        // ---- Karpenter NodePool controller (RuntimeValidate: the API server accepts these) ----
        { "KC-NP-001 taint in taints and startupTaints", NP(templateSpec: Reqs + ", taints: [{key: dedicated, value: x, effect: NoSchedule}], startupTaints: [{key: dedicated, value: x, effect: NoSchedule}]"), "KC-NP-001", "spec.template.spec.startupTaints[0]: duplicate taint Key/Effect pair dedicated=NoSchedule (also at spec.template.spec.taints[0])", NP(templateSpec: Reqs + ", taints: [{key: dedicated, value: x, effect: NoSchedule}], startupTaints: [{key: example.com/initializing, effect: NoSchedule}]") },
        { "KC-NP-001 taint twice in taints", NP(templateSpec: Reqs + ", taints: [{key: dedicated, value: a, effect: NoSchedule}, {key: dedicated, value: b, effect: NoSchedule}]", group: "karpenter.k8s.aws", kind: "EC2NodeClass"), "KC-NP-001", "duplicate taint Key/Effect pair dedicated=NoSchedule", NP(templateSpec: Reqs + ", taints: [{key: dedicated, value: a, effect: NoSchedule}, {key: dedicated, value: a, effect: NoExecute}]", group: "karpenter.k8s.aws", kind: "EC2NodeClass") },
        { "KC-NP-002 capacity-type gpu", NP(templateSpec: "requirements: [{key: karpenter.sh/capacity-type, operator: In, values: [gpu]}]"), "KC-NP-002", "spec.template.spec.requirements[0].values: no valid values found in [gpu] for karpenter.sh/capacity-type, expected one of: on-demand, reserved, spot", NP(templateSpec: "requirements: [{key: karpenter.sh/capacity-type, operator: In, values: [spot]}]") },
        { "KC-NP-002 tenancy (OSS)", NP(templateSpec: "requirements: [{key: karpenter.k8s.aws/instance-tenancy, operator: In, values: [host]}]", group: "karpenter.k8s.aws", kind: "EC2NodeClass"), "KC-NP-002", "no valid values found in [host] for karpenter.k8s.aws/instance-tenancy, expected one of: dedicated, default", NP(templateSpec: "requirements: [{key: karpenter.k8s.aws/instance-tenancy, operator: In, values: [dedicated]}]", group: "karpenter.k8s.aws", kind: "EC2NodeClass") },
        { "KC-NP-003 minValues of known values", NP(templateSpec: "requirements: [{key: karpenter.sh/capacity-type, operator: In, values: [spot, gpu], minValues: 2}]"), "KC-NP-003", "spec.template.spec.requirements[0].minValues: not enough valid values found in [spot gpu] for karpenter.sh/capacity-type, expected at least 2 valid values", NP(templateSpec: "requirements: [{key: karpenter.sh/capacity-type, operator: In, values: [spot, on-demand], minValues: 2}]") },
        { "KC-NP-004 ec2nodeclass label (OSS)", NP(labels: "karpenter.k8s.aws/ec2nodeclass: gpu", group: "karpenter.k8s.aws", kind: "EC2NodeClass"), "KC-NP-004", "spec.template.metadata.labels[karpenter.k8s.aws/ec2nodeclass]: using label karpenter.k8s.aws/ec2nodeclass is not allowed", NP(labels: "example.com/nodeclass: gpu", group: "karpenter.k8s.aws", kind: "EC2NodeClass") },
        { "KC-NP-004 eks.amazonaws.com requirement (Auto Mode)", NP(templateSpec: "requirements: [{key: eks.amazonaws.com/nodeclass, operator: In, values: [gpu]}]"), "KC-NP-004", "spec.template.spec.requirements[0].key: using label eks.amazonaws.com/nodeclass is not allowed", NP(templateSpec: "requirements: [{key: eks.amazonaws.com/instance-category, operator: In, values: [g]}]") },
        { "KC-NP-005 value not a label value", NP(templateSpec: "requirements: [{key: node.kubernetes.io/instance-type, operator: In, values: ['m5 large']}]"), "KC-NP-005", "spec.template.spec.requirements[0].values[0]: invalid value \"m5 large\" for key node.kubernetes.io/instance-type, a valid label must be an empty string", NP(templateSpec: "requirements: [{key: node.kubernetes.io/instance-type, operator: In, values: [m5.large]}]") },
        { "KC-NP-005 value too long", NP(templateSpec: "requirements: [{key: example.com/team, operator: In, values: [" + new string('a', 64) + "]}]"), "KC-NP-005", "must be no more than 63 characters", NP(templateSpec: "requirements: [{key: example.com/team, operator: In, values: [" + new string('a', 63) + "]}]") },
        { "KC-NP-006 taint value too long", NP(templateSpec: Reqs + ", taints: [{key: team, value: " + new string('a', 64) + ", effect: NoSchedule}]"), "KC-NP-006", "spec.template.spec.taints[0].value: taint value \"" + new string('a', 64) + "\" is not a qualified name, name part must be no more than 63 characters", NP(templateSpec: Reqs + ", taints: [{key: team, value: " + new string('a', 63) + ", effect: NoSchedule}]") },
        { "KC-NP-006 requirement key name too long", NP(templateSpec: "requirements: [{key: example.com/" + new string('k', 64) + ", operator: Exists}]"), "KC-NP-006", "spec.template.spec.requirements[0].key: requirement key", NP(templateSpec: "requirements: [{key: example.com/" + new string('k', 63) + ", operator: Exists}]") },

        // ---- schema details, key families ----
        { "kernelLockdown enum", NC("role: R, advancedSecurity: {kernelLockdown: confidentiality}, " + SubnetsSgs), "K8S-Enum", "spec.advancedSecurity.kernelLockdown: Unsupported value: \"confidentiality\": supported values: \"integrity\", \"none\", \"Integrity\", \"None\"", NC("role: R, advancedSecurity: {fips: true, kernelLockdown: integrity}, " + SubnetsSgs) },
        { "AM-NC-009 placementGroupSelector", NC("role: R, placementGroupSelector: {name: training}, " + SubnetsSgs), "AM-NC-009", "spec.placementGroupSelector: possibly newer than the bundled schema (as-of 2026-01-31)", NC("role: R, " + SubnetsSgs) },
        { "AM-NC-009 networkInterfaces", NC("role: R, advancedNetworking: {networkInterfaces: [{networkCardIndex: 0, deviceIndex: 0, interfaceType: interface}]}, " + SubnetsSgs), "AM-NC-009", "kubectl explain nodeclass.spec.advancedNetworking.networkInterfaces", NC("role: R, advancedNetworking: {associatePublicIPAddress: false}, " + SubnetsSgs) },
        { "AM-NP-004 no Auto Mode counterpart", NP(templateSpec: "requirements: [{key: karpenter.k8s.aws/instance-tenancy, operator: In, values: [dedicated]}]"), "AM-NP-004", "No counterpart on the other side: Auto Mode does not support dedicated tenancy", NP() },
        { "AM-NP-009 Auto Mode key in OSS pool", NP(templateSpec: "requirements: [{key: eks.amazonaws.com/instance-family, operator: In, values: [m5]}]", group: "karpenter.k8s.aws", kind: "EC2NodeClass"), "AM-NP-009", "Use key: karpenter.k8s.aws/instance-family", NP(templateSpec: "requirements: [{key: karpenter.k8s.aws/instance-family, operator: In, values: [m5]}]", group: "karpenter.k8s.aws", kind: "EC2NodeClass") },
        { "AM-NP-010 mixed families", NP(templateSpec: "requirements: [{key: eks.amazonaws.com/instance-category, operator: In, values: [c, m]}, {key: karpenter.k8s.aws/instance-generation, operator: Gt, values: ['4']}]"), "AM-NP-010", "spec.template: mixes EKS Auto Mode keys (eks.amazonaws.com/instance-category) and OSS Karpenter keys (karpenter.k8s.aws/instance-generation)", NP(templateSpec: "requirements: [{key: eks.amazonaws.com/instance-category, operator: In, values: [c, m]}, {key: eks.amazonaws.com/instance-generation, operator: Gt, values: ['4']}]") },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void RuleFailsAndPasses(string name, string failing, string ruleId, string expected, string passing)
    {
        // Cases named "1.14 …" test rules only Karpenter 1.14's CRD has (1.15 opened spec.kubelet).
        string? version = name.StartsWith("1.14 ", StringComparison.Ordinal) ? "1.14" : null;
        var bad = V.Check(failing, karpenterVersion: version);
        Assert.True(bad.Any(f => f.RuleId == ruleId && (f.ApiServerText.Contains(expected) || (f.Hint ?? string.Empty).Contains(expected))),
            $"{name}: expected {ruleId} with '{expected}', got:\n" + string.Join("\n", bad.Select(f => f + " | " + f.Hint)));
        Assert.All(bad, f => Assert.True(f.Line > 0, $"{name}: finding without a position: {f}"));

        var good = V.Check(passing, karpenterVersion: version);
        Assert.False(good.Any(f => f.RuleId == ruleId), $"{name}: the passing example still has {ruleId}:\n" + string.Join("\n", good));
        Assert.Empty(V.Errors(good));
    }

    [Fact]
    public void EveryBuiltInCelMessageAndPolicyRuleHasAFailingCase()
    {
        var expectations = Cases.Select(c => (string)c[3]).ToList();
        var ruleIds = Cases.Select(c => (string)c[2]).ToHashSet();
        var messages = new List<string>();
        var files = new[] { "eks.amazonaws.com_nodeclasses.yaml" }
            .Concat(KarpenterVersions.All.SelectMany(v => new[] { $"karpenter.k8s.aws_ec2nodeclasses.{v}.yaml", $"karpenter.sh_nodepools.{v}.yaml" }));
        foreach (var file in files)
        {
            string text = File.ReadAllText(Path.Combine(V.RepoRoot, "src", "EksAutoMode.Engine", "Data", "Validation", file));
            var lines = text.Split('\n');
            for (int i = 0; i < lines.Length; i++)
            {
                string line = lines[i].Trim();
                if (line.StartsWith("- message:", StringComparison.Ordinal) && i + 1 < lines.Length && !lines[i + 1].Contains("oldSelf"))
                {
                    string m = line.Substring("- message:".Length).Trim();
                    if (m.StartsWith('"'))
                    {
                        m = m.Trim('"');
                    }

                    messages.Add(m);
                }
            }
        }

        Assert.True(messages.Count > 60, $"only {messages.Count} messages found");
        var missing = messages.Distinct().Where(m => !expectations.Any(e => e.Contains(m))).ToList();
        Assert.True(missing.Count == 0, "CEL messages without a failing case:\n" + string.Join("\n", missing));
        var missingRules = PolicyRules.All.Keys.Where(id => !ruleIds.Contains(id)).ToList();
        Assert.True(missingRules.Count == 0, "policy rules without a failing case: " + string.Join(", ", missingRules));
    }
}
