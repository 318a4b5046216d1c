using EksAutoMode.Engine;
using EksAutoMode.Engine.Conversion;
using EksAutoMode.Engine.Manifests;
using static EksAutoMode.Tests.Unit.Conversion.ConversionTestHelpers;

namespace EksAutoMode.Tests.Unit.Conversion;

public class NodeClassConversionTests
{
    private const string Builtin = """
        apiVersion: eks.amazonaws.com/v1
        kind: NodeClass
        metadata:
          annotations:
            eks.amazonaws.com/nodeclass-hash: "3399735243323253970"
          labels:
            app.kubernetes.io/managed-by: eks
          name: default
        spec:
          ephemeralStorage: {iops: 3000, size: 80Gi, throughput: 125}
          networkPolicy: DefaultAllow
          networkPolicyEventLogs: Disabled
          role: automode-eks-AmazonEKSAutoNodeRole
          securityGroupSelectorTerms:
          - id: sg-1234567890
          snatPolicy: Random
          subnetSelectorTerms:
          - id: subnet-1234567890123
          - id: subnet-1234567890234
        status:
          conditions: []
        """;

    private static string AutoNodeClass(string specBody) =>
        "apiVersion: eks.amazonaws.com/v1\nkind: NodeClass\nmetadata:\n  name: nc\nspec:\n  role: R\n  subnetSelectorTerms: [{id: subnet-1}]\n  securityGroupSelectorTerms: [{id: sg-1}]\n" + specBody;

    private static string OssNodeClass(string specBody) =>
        "apiVersion: karpenter.k8s.aws/v1\nkind: EC2NodeClass\nmetadata:\n  name: nc\nspec:\n  role: R\n  amiSelectorTerms: [{alias: bottlerocket@latest}]\n  subnetSelectorTerms: [{id: subnet-1}]\n  securityGroupSelectorTerms: [{id: sg-1}]\n" + specBody;

    [Fact]
    public void The_builtin_default_NodeClass_becomes_a_Bottlerocket_EC2NodeClass_with_its_cluster_specific_ids_flagged()
    {
        var doc = One(ConversionDirection.AutoToOss, Builtin);
        var root = Parse(doc.Yaml);
        Assert.Equal("karpenter.k8s.aws/v1", Str(root, "apiVersion"));
        Assert.Equal("EC2NodeClass", Str(root, "kind"));
        Assert.Equal("default", Str(root, "metadata.name"));
        Assert.Null(At(root, "metadata.annotations"));
        Assert.Null(At(root, "metadata.labels"));
        Assert.Null(At(root, "status"));
        Assert.Equal("automode-eks-AmazonEKSAutoNodeRole", Str(root, "spec.role"));
        Assert.Equal("bottlerocket@latest", Str(root, "spec.amiSelectorTerms.0.alias"));
        Assert.Equal("subnet-1234567890234", Str(root, "spec.subnetSelectorTerms.1.id"));
        Assert.Equal("sg-1234567890", Str(root, "spec.securityGroupSelectorTerms.0.id"));
        Assert.Equal("/dev/xvda", Str(root, "spec.blockDeviceMappings.0.deviceName"));
        Assert.Equal("4Gi", Str(root, "spec.blockDeviceMappings.0.ebs.volumeSize"));
        Assert.Equal("/dev/xvdb", Str(root, "spec.blockDeviceMappings.1.deviceName"));
        Assert.Equal("80Gi", Str(root, "spec.blockDeviceMappings.1.ebs.volumeSize"));
        Assert.Equal("3000", Str(root, "spec.blockDeviceMappings.1.ebs.iops"));
        Assert.Equal("gp3", Str(root, "spec.blockDeviceMappings.1.ebs.volumeType"));
        Assert.Equal("true", Str(root, "spec.blockDeviceMappings.1.ebs.encrypted"));
        Assert.Equal("required", Str(root, "spec.metadataOptions.httpTokens"));
        Assert.Equal("1", Str(root, "spec.metadataOptions.httpPutResponseHopLimit"));
        var idNotes = doc.Notes.Where(n => n.Severity == NoteSeverity.Warning && n.Message.Contains("cluster-specific", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, idNotes.Count);
        Assert.Contains(idNotes, n => n.TargetPath == "spec.subnetSelectorTerms");
        Assert.Contains("# Warning Mapped spec.subnetSelectorTerms: The built-in 'default' NodeClass", doc.Yaml, StringComparison.Ordinal);
        Assert.True(doc.IsValid, string.Join("\n", doc.ValidationErrors));
    }

    [Fact]
    public void AL2023_puts_ephemeral_storage_on_the_root_volume_and_KMS_keys_follow_the_volumes()
    {
        var doc = One(ConversionDirection.AutoToOss, AutoNodeClass("  ephemeralStorage: {size: 200Gi, iops: 5000, throughput: 300, kmsKeyID: alias/k}\n"),
            new ConversionOptions { AmiAlias = "al2023@v20251117" });
        var root = Parse(doc.Yaml);
        var bdm = Assert.IsType<SequenceNode>(At(root, "spec.blockDeviceMappings"));
        Assert.Single(bdm.Items);
        Assert.Equal("/dev/xvda", Str(root, "spec.blockDeviceMappings.0.deviceName"));
        Assert.Equal("true", Str(root, "spec.blockDeviceMappings.0.rootVolume"));
        Assert.Equal("200Gi", Str(root, "spec.blockDeviceMappings.0.ebs.volumeSize"));
        Assert.Equal("5000", Str(root, "spec.blockDeviceMappings.0.ebs.iops"));
        Assert.Equal("300", Str(root, "spec.blockDeviceMappings.0.ebs.throughput"));
        Assert.Equal("alias/k", Str(root, "spec.blockDeviceMappings.0.ebs.kmsKeyID"));
        Assert.Equal("al2023@v20251117", Str(root, "spec.amiSelectorTerms.0.alias"));

        var br = Parse(One(ConversionDirection.AutoToOss, AutoNodeClass("  ephemeralStorage: {size: 50Gi, kmsKeyID: alias/k}\n")).Yaml);
        Assert.Equal("alias/k", Str(br, "spec.blockDeviceMappings.0.ebs.kmsKeyID"));
        Assert.Equal("alias/k", Str(br, "spec.blockDeviceMappings.1.ebs.kmsKeyID"));
        Assert.Equal("50Gi", Str(br, "spec.blockDeviceMappings.1.ebs.volumeSize"));
        Assert.Equal("125", Str(br, "spec.blockDeviceMappings.1.ebs.throughput"));
    }

    [Theory]
    [InlineData("windows2022@latest")]
    [InlineData("ubuntu@latest")]
    [InlineData("bottlerocket")]
    [InlineData("@latest")]
    public void Unusable_AMI_aliases_are_refused_up_front(string alias)
    {
        var e = Assert.Throws<EngineException>(() => new ManifestConverter(ConversionDirection.AutoToOss, new ConversionOptions { AmiAlias = alias }));
        Assert.Equal("InvalidAmiAlias", e.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
    }

    [Fact]
    public void MetadataHopLimit_overrides_the_pinned_hop_limit()
    {
        var root = Parse(One(ConversionDirection.AutoToOss, AutoNodeClass(""), new ConversionOptions { MetadataHopLimit = 2 }).Yaml);
        Assert.Equal("2", Str(root, "spec.metadataOptions.httpPutResponseHopLimit"));
        Assert.Equal("required", Str(root, "spec.metadataOptions.httpTokens"));
        Assert.Throws<EngineException>(() => new ManifestConverter(ConversionDirection.AutoToOss, new ConversionOptions { MetadataHopLimit = 65 }));
    }

    [Fact]
    public void Missing_selectors_become_a_placeholder_that_fails_validation_without_invented_values()
    {
        const string yaml = "apiVersion: eks.amazonaws.com/v1\nkind: NodeClass\nmetadata: {name: basic}\nspec: {role: R}\n";
        var doc = One(ConversionDirection.AutoToOss, yaml);
        Assert.False(doc.IsValid);
        Assert.Contains(doc.ValidationErrors, e => e.StartsWith("spec.subnetSelectorTerms", StringComparison.Ordinal));
        Assert.Contains(doc.Notes, n => n.Action == NoteAction.Placeholder && n.TargetPath == "spec.securityGroupSelectorTerms" && n.Severity == NoteSeverity.Error);
        var root = Parse(doc.Yaml);
        Assert.Empty(Assert.IsType<SequenceNode>(At(root, "spec.subnetSelectorTerms")).Items);

        var withCluster = One(ConversionDirection.AutoToOss, yaml, new ConversionOptions { ClusterName = "prod" });
        Assert.True(withCluster.IsValid, string.Join("\n", withCluster.ValidationErrors));
        Assert.Equal("prod", ((MappingNode)At(Parse(withCluster.Yaml), "spec.subnetSelectorTerms.0.tags")!).GetString("karpenter.sh/discovery"));

        var withSelectors = One(ConversionDirection.AutoToOss, yaml, new ConversionOptions
        {
            SubnetSelectorTerms = new[] { new SelectorTermSpec { Tags = new Dictionary<string, string> { ["tier"] = "private" } }, new SelectorTermSpec { Id = "subnet-9" } },
            SecurityGroupSelectorTerms = new[] { new SelectorTermSpec { Name = "nodes" } },
        });
        var r = Parse(withSelectors.Yaml);
        Assert.Equal("private", Str(r, "spec.subnetSelectorTerms.0.tags.tier"));
        Assert.Equal("subnet-9", Str(r, "spec.subnetSelectorTerms.1.id"));
        Assert.Equal("nodes", Str(r, "spec.securityGroupSelectorTerms.0.name"));
        Assert.True(withSelectors.IsValid);
    }

    [Fact]
    public void Explicit_selectors_replace_the_sources_with_a_note()
    {
        var doc = One(ConversionDirection.AutoToOss, Builtin, new ConversionOptions { SubnetSelectorTerms = new[] { new SelectorTermSpec { Tags = new Dictionary<string, string> { ["karpenter.sh/discovery"] = "c" } } } });
        var root = Parse(doc.Yaml);
        Assert.Null(At(root, "spec.subnetSelectorTerms.0.id"));
        Assert.Contains(doc.Notes, n => n.TargetPath == "spec.subnetSelectorTerms" && n.Action == NoteAction.Defaulted && n.Message.Contains("replaced", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("snatPolicy: Disabled", "spec.snatPolicy", "AWS_VPC_K8S_CNI_EXTERNALSNAT")]
    [InlineData("networkPolicy: DefaultDeny", "spec.networkPolicy", "NETWORK_POLICY_ENFORCING_MODE=strict")]
    [InlineData("networkPolicyEventLogs: Enabled", "spec.networkPolicyEventLogs", "enablePolicyEventLogs")]
    [InlineData("podSubnetSelectorTerms: [{tags: {a: b}}]", "spec.podSubnetSelectorTerms", "ENIConfig")]
    [InlineData("podSecurityGroupSelectorTerms: [{id: sg-2}]", "spec.podSecurityGroupSelectorTerms", "ENIConfig")]
    [InlineData("advancedNetworking: {httpsProxy: 'http://p:3128'}", "spec.advancedNetworking.httpsProxy", "userData")]
    [InlineData("advancedNetworking: {noProxy: [localhost]}", "spec.advancedNetworking.noProxy", "userData")]
    [InlineData("advancedNetworking: {ipv4PrefixSize: '32'}", "spec.advancedNetworking.ipv4PrefixSize", "ENABLE_PREFIX_DELEGATION")]
    [InlineData("certificateBundles: [{name: ca, data: QUJD}]", "spec.certificateBundles", "settings.pki")]
    [InlineData("advancedSecurity: {fips: true}", "spec.advancedSecurity.fips", "fips")]
    [InlineData("advancedSecurity: {kernelLockdown: integrity}", "spec.advancedSecurity.kernelLockdown", "lockdown")]
    public void Auto_Mode_only_fields_are_never_silently_dropped(string field, string path, string whereInOss)
    {
        var doc = One(ConversionDirection.AutoToOss, AutoNodeClass("  " + field + "\n"));
        var note = Assert.Single(doc.Notes, n => n.SourcePath == path);
        Assert.Equal(NoteAction.Dropped, note.Action);
        Assert.Equal(NoteSeverity.Warning, note.Severity);
        Assert.Contains(whereInOss, note.Message, StringComparison.Ordinal);
        Assert.Contains("# Warning Dropped " + path, doc.Yaml, StringComparison.Ordinal);
        Assert.True(doc.IsValid, string.Join("\n", doc.ValidationErrors));
    }

    [Fact]
    public void Capacity_reservations_public_IP_and_tags_map_to_their_OSS_names()
    {
        var doc = One(ConversionDirection.AutoToOss, AutoNodeClass("""
              capacityReservationSelectorTerms: [{id: cr-1}, {tags: {team: ml}, owner: "123456789012"}]
              advancedNetworking: {associatePublicIPAddress: false}
              tags: {team: a, "eks:eks-cluster-name": x, "kubernetes.io/cluster/x": owned, CostCenter: "0042"}
            """));
        var root = Parse(doc.Yaml);
        Assert.Equal("123456789012", Str(root, "spec.capacityReservationSelectorTerms.1.ownerID"));
        Assert.Null(At(root, "spec.capacityReservationSelectorTerms.1.owner"));
        Assert.Equal("false", Str(root, "spec.associatePublicIPAddress"));
        var tags = Assert.IsType<MappingNode>(At(root, "spec.tags"));
        Assert.Equal(new[] { "CostCenter", "team" }, tags.Keys);
        Assert.True(((ScalarNode)tags["CostCenter"]!).IsString);
        Assert.Equal(2, doc.Notes.Count(n => n.Action == NoteAction.Dropped && n.SourcePath!.StartsWith("spec.tags", StringComparison.Ordinal)));
        Assert.Contains("CostCenter: \"0042\"", doc.Yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void OSS_to_Auto_maps_the_data_volume_and_reports_every_lossy_field()
    {
        var doc = One(ConversionDirection.OssToAuto, OssNodeClass("""
              amiFamily: Bottlerocket
              associatePublicIPAddress: true
              userData: |
                [settings.network]
                https-proxy = "http://p:3128"
              kubelet: {maxPods: 58}
              metadataOptions: {httpTokens: optional, httpPutResponseHopLimit: 2}
              detailedMonitoring: true
              instanceStorePolicy: RAID0
              blockDeviceMappings:
              - deviceName: /dev/xvda
                ebs: {volumeSize: 4Gi, volumeType: gp3, encrypted: true}
              - deviceName: /dev/xvdb
                ebs: {volumeSize: 120Gi, volumeType: gp2, iops: 100, throughput: 2000, encrypted: false, kmsKeyID: alias/x, snapshotID: snap-1}
              capacityReservationSelectorTerms: [{id: cr-1, ownerID: "111122223333"}, {instanceMatchCriteria: open}]
              tags: {team: a, "karpenter.sh/managed-by": c, "eks.amazonaws.com/nodeclass": x}
            """));
        var root = Parse(doc.Yaml);
        Assert.Equal("eks.amazonaws.com/v1", Str(root, "apiVersion"));
        Assert.Equal("NodeClass", Str(root, "kind"));
        Assert.Equal("120Gi", Str(root, "spec.ephemeralStorage.size"));
        Assert.Equal("3000", Str(root, "spec.ephemeralStorage.iops"));
        Assert.Equal("1000", Str(root, "spec.ephemeralStorage.throughput"));
        Assert.Equal("alias/x", Str(root, "spec.ephemeralStorage.kmsKeyID"));
        Assert.Equal("true", Str(root, "spec.advancedNetworking.associatePublicIPAddress"));
        Assert.Equal("111122223333", Str(root, "spec.capacityReservationSelectorTerms.0.owner"));
        Assert.Single(((SequenceNode)At(root, "spec.capacityReservationSelectorTerms")!).Items);
        Assert.Equal(new[] { "team" }, ((MappingNode)At(root, "spec.tags")!).Keys);
        foreach (string field in new[] { "amiSelectorTerms", "amiFamily", "userData", "kubelet", "metadataOptions", "detailedMonitoring", "instanceStorePolicy", "blockDeviceMappings", "amiSelectorTerms" })
        {
            Assert.Null(At(root, "spec." + field));
        }

        foreach (string path in new[] { "spec.userData", "spec.kubelet", "spec.metadataOptions", "spec.detailedMonitoring", "spec.instanceStorePolicy", "spec.amiFamily", "spec.blockDeviceMappings[0]", "spec.blockDeviceMappings[1].ebs.snapshotID", "spec.capacityReservationSelectorTerms[1].instanceMatchCriteria" })
        {
            Assert.Contains(doc.Notes, n => n.SourcePath == path && n.Action == NoteAction.Dropped);
        }

        Assert.Contains(doc.Notes, n => n.SourcePath == "spec.blockDeviceMappings[1].ebs.iops" && n.Action == NoteAction.Approximated);
        Assert.Contains(doc.Notes, n => n.SourcePath == "spec.blockDeviceMappings[1].ebs.volumeType" && n.Action == NoteAction.Approximated);
        Assert.Contains(doc.Notes, n => n.SourcePath == "spec.blockDeviceMappings[1].ebs.encrypted" && n.Action == NoteAction.Approximated);
        Assert.Contains(doc.Notes, n => n.SourcePath == "spec.userData" && n.Message.Contains("advancedNetworking.httpsProxy", StringComparison.Ordinal));
        Assert.Contains(doc.Notes, n => n.SourcePath == "spec.tags" && n.Message.Contains("cluster IAM role", StringComparison.Ordinal));
        Assert.True(doc.IsValid, string.Join("\n", doc.ValidationErrors));
    }

    [Fact]
    public void OSS_metadata_options_equal_to_Auto_Modes_are_only_an_info_and_instance_profiles_must_start_with_eks()
    {
        var doc = One(ConversionDirection.OssToAuto, OssNodeClass("  metadataOptions: {httpEndpoint: enabled, httpProtocolIPv6: disabled, httpPutResponseHopLimit: 1, httpTokens: required}\n").Replace("  role: R\n", "  instanceProfile: KarpenterProfile\n"));
        Assert.Contains(doc.Notes, n => n.SourcePath == "spec.metadataOptions" && n.Severity == NoteSeverity.Info);
        Assert.Contains(doc.Notes, n => n.SourcePath == "spec.instanceProfile" && n.Severity == NoteSeverity.Warning && n.Message.Contains("eks", StringComparison.Ordinal));
        Assert.Equal("KarpenterProfile", Str(Parse(doc.Yaml), "spec.instanceProfile"));
    }

    [Fact]
    public void AL2023_root_volume_is_the_data_volume_on_the_way_to_Auto_Mode()
    {
        var doc = One(ConversionDirection.OssToAuto, OssNodeClass("""
              blockDeviceMappings:
              - deviceName: /dev/xvda
                rootVolume: true
                ebs: {volumeSize: 300Gi, volumeType: gp3, encrypted: true}
            """).Replace("bottlerocket@latest", "al2023@latest"));
        var root = Parse(doc.Yaml);
        Assert.Equal("300Gi", Str(root, "spec.ephemeralStorage.size"));
        Assert.Contains(doc.Notes, n => n.SourcePath == "spec.amiSelectorTerms" && n.Severity == NoteSeverity.Warning && n.Message.Contains("al2023", StringComparison.Ordinal));
    }
}

public class ReservedNameTests
{
    [Fact]
    public void Reserved_built_in_names_are_renamed_on_the_way_to_Auto_Mode_and_references_follow()
    {
        var nc = One(ConversionDirection.OssToAuto, "apiVersion: karpenter.k8s.aws/v1\nkind: EC2NodeClass\nmetadata: {name: default}\nspec:\n  role: R\n  amiSelectorTerms: [{alias: bottlerocket@latest}]\n  subnetSelectorTerms: [{id: subnet-1}]\n  securityGroupSelectorTerms: [{id: sg-1}]\n");
        Assert.Equal("default-migrated", Str(Parse(nc.Yaml), "metadata.name"));
        Assert.Equal("default-migrated", nc.TargetName);
        Assert.True(nc.IsValid, string.Join("\n", nc.ValidationErrors));

        var np = One(ConversionDirection.OssToAuto, "apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: {name: system}\nspec:\n  template:\n    spec:\n      expireAfter: 336h\n      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}\n      requirements: [{key: kubernetes.io/arch, operator: In, values: [amd64]}]\n");
        var root = Parse(np.Yaml);
        Assert.Equal("system-migrated", Str(root, "metadata.name"));
        Assert.Equal("default-migrated", Str(root, "spec.template.spec.nodeClassRef.name"));
        Assert.Contains(np.Notes, n => n.TargetPath == "spec.template.spec.nodeClassRef.name" && n.Severity == NoteSeverity.Warning);
        Assert.True(np.IsValid, string.Join("\n", np.ValidationErrors));

        // The other way, 'default' is an ordinary EC2NodeClass name and stays.
        Assert.Equal("default", One(ConversionDirection.AutoToOss, "apiVersion: eks.amazonaws.com/v1\nkind: NodeClass\nmetadata: {name: default}\nspec: {role: R, subnetSelectorTerms: [{id: subnet-1}], securityGroupSelectorTerms: [{id: sg-1}]}\n").TargetName);
    }
}
