using EksAutoMode.Engine.Manifests;

namespace EksAutoMode.Engine.Conversion;

/// <summary>Auto Mode NodeClass ⇄ OSS Karpenter EC2NodeClass.</summary>
internal static class NodeClassConverter
{
    private static readonly string[] AutoKnown =
    {
        "role", "instanceProfile", "subnetSelectorTerms", "securityGroupSelectorTerms", "podSubnetSelectorTerms",
        "podSecurityGroupSelectorTerms", "capacityReservationSelectorTerms", "snatPolicy", "networkPolicy",
        "networkPolicyEventLogs", "ephemeralStorage", "advancedNetworking", "advancedSecurity", "certificateBundles",
        "placementGroupSelector", "tags",
    };

    private static readonly string[] OssKnown =
    {
        "role", "instanceProfile", "subnetSelectorTerms", "securityGroupSelectorTerms", "capacityReservationSelectorTerms",
        "associatePublicIPAddress", "tags", "blockDeviceMappings", "amiFamily", "amiSelectorTerms", "userData", "kubelet",
        "metadataOptions", "detailedMonitoring", "instanceStorePolicy", "connectionTracking", "cpuOptions", "context",
        "ipPrefixCount", "networkInterfaces", "placementGroupSelector",
    };

    // ================================================================== Auto Mode → OSS

    public static MappingNode ToOss(ConversionContext ctx, AmiFamilyInfo family, string alias)
    {
        var src = ctx.Source.Root;
        var spec = ConversionContext.RequireMapping(src, "spec", "spec");
        var d = ctx.Defaults;
        var root = ctx.NewRoot(d.OssNodeClass.ApiVersion, d.OssNodeClass.Kind);
        var outSpec = new MappingNode();
        string name = ctx.Source.Name ?? "";
        bool builtIn = name == d.BuiltInNodeClass;

        RequireRoleOrProfile(spec);
        CopyScalar(spec, outSpec, "role");
        CopyScalar(spec, outSpec, "instanceProfile");

        // AMI: Auto Mode has no AMI selection; nodes run a Bottlerocket-based AMI that is always the latest.
        outSpec.Set("amiSelectorTerms", new SequenceNode(new[] { Map(("alias", NodePaths.Str(alias))) }));
        ctx.Info(NoteAction.Defaulted, null, "spec.amiSelectorTerms",
            $"amiSelectorTerms set to alias {alias} (Auto Mode has no AMI selection; its nodes run a Bottlerocket-based AMI, always the latest). Use -AmiAlias to choose another family or pin a version.");
        if (family.Warning is not null)
        {
            ctx.Warn(NoteAction.Defaulted, null, "spec.amiSelectorTerms", family.Warning);
        }

        // Selectors.
        SelectorsToOss(ctx, spec, outSpec, "subnetSelectorTerms", ctx.Options.SubnetSelectorTerms, "-SubnetSelector", builtIn);
        SelectorsToOss(ctx, spec, outSpec, "securityGroupSelectorTerms", ctx.Options.SecurityGroupSelectorTerms, "-SecurityGroupSelector", builtIn);

        // Capacity reservations: owner → ownerID.
        if (ConversionContext.OptionalSequence(spec, "capacityReservationSelectorTerms", "spec.capacityReservationSelectorTerms") is { } crs)
        {
            var outCrs = new SequenceNode();
            foreach (var (_, p, term) in ConversionContext.MappingItems(crs, "spec.capacityReservationSelectorTerms"))
            {
                var outTerm = new MappingNode();
                foreach (var e in term.Entries)
                {
                    if (e.KeyText == "owner" && term.ContainsKey("id"))
                    {
                        ctx.Info(NoteAction.Dropped, p + ".owner", null,
                            "owner is not carried over for a term with an id: the id already names the reservation, and EC2NodeClass does not allow ownerID together with id.");
                    }
                    else if (e.KeyText == "owner")
                    {
                        outTerm.Set("ownerID", e.Value.Clone());
                        ctx.Info(NoteAction.Mapped, p + ".owner", p + ".ownerID", "owner is called ownerID in EC2NodeClass.");
                    }
                    else
                    {
                        outTerm.Set(e.Key, e.Value.Clone());
                    }
                }

                outCrs.Add(outTerm);
            }

            outSpec.Set("capacityReservationSelectorTerms", outCrs);
            ctx.Info(NoteAction.Mapped, "spec.capacityReservationSelectorTerms", "spec.capacityReservationSelectorTerms",
                "Capacity reservations carried over. In Auto Mode, setting them on any NodeClass stops automatic use of open ODCRs cluster-wide; OSS Karpenter only uses the reservations each EC2NodeClass selects.");
        }

        // advancedNetworking.
        if (ConversionContext.OptionalMapping(spec, "advancedNetworking", "spec.advancedNetworking") is { } an)
        {
            foreach (var e in an.Entries)
            {
                string p = "spec.advancedNetworking." + e.KeyText;
                switch (e.KeyText)
                {
                    case "associatePublicIPAddress":
                        if (e.Value is not ScalarNode { IsNull: true })
                        {
                            outSpec.Set("associatePublicIPAddress", e.Value.Clone());
                            ctx.Info(NoteAction.Mapped, p, "spec.associatePublicIPAddress", "advancedNetworking.associatePublicIPAddress is a top-level field in EC2NodeClass.");
                        }

                        break;
                    case "httpsProxy" or "noProxy" or "ipv4PrefixSize":
                        DropAuto(ctx, "advancedNetworking." + e.KeyText, p, e.Value);
                        break;
                    case "networkInterfaces":
                        outSpec.Set("networkInterfaces", e.Value.Clone());
                        ctx.Warn(NoteAction.Approximated, p, "spec.networkInterfaces", ctx.Data.Fields.Unverifed("networkInterfaces").Message);
                        break;
                    default:
                        ctx.Warn(NoteAction.Dropped, p, null, $"advancedNetworking.{e.KeyText} is not a known Auto Mode field (newer than this converter's tables?); not converted.");
                        break;
                }
            }
        }

        if (ConversionContext.Has(spec, "placementGroupSelector"))
        {
            outSpec.Set("placementGroupSelector", spec["placementGroupSelector"]!.Clone());
            ctx.Warn(NoteAction.Approximated, "spec.placementGroupSelector", "spec.placementGroupSelector", ctx.Data.Fields.Unverifed("placementGroupSelector").Message);
        }

        // IMDS: Auto Mode fixes IMDSv2 with hop limit 1.
        var mo = new MappingNode();
        foreach (var (k, v) in d.MetadataOptions.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            mo.Set(k, k == "httpPutResponseHopLimit" ? NodePaths.Int(ctx.Options.MetadataHopLimit ?? long.Parse(v, System.Globalization.CultureInfo.InvariantCulture)) : NodePaths.Str(v));
        }

        outSpec.Set("metadataOptions", mo);
        ctx.Info(NoteAction.Defaulted, null, "spec.metadataOptions",
            ctx.Options.MetadataHopLimit is int hop && hop != 1
                ? $"metadataOptions: IMDSv2 required as in Auto Mode, hop limit {hop} from -MetadataHopLimit (Auto Mode uses 1)."
                : "metadataOptions pinned to Auto Mode's fixed behaviour: IMDSv2 required, hop limit 1 (use -MetadataHopLimit 2 for pods that need IMDS without hostNetwork).");

        // Ephemeral storage → block device mappings.
        outSpec.Set("blockDeviceMappings", EphemeralToBlockDevices(ctx, spec, family));

        // Tags.
        if (ConversionContext.OptionalMapping(spec, "tags", "spec.tags") is { } tags)
        {
            var outTags = FilterTags(ctx, tags, d.RestrictedTags["oss"], "EC2NodeClass");
            if (outTags.Count > 0)
            {
                outSpec.Set("tags", outTags);
            }
        }

        // Auto Mode-only fields: never silently dropped.
        foreach (string field in new[] { "snatPolicy", "networkPolicy", "networkPolicyEventLogs", "podSubnetSelectorTerms", "podSecurityGroupSelectorTerms", "certificateBundles" })
        {
            if (ConversionContext.Has(spec, field))
            {
                DropAuto(ctx, field, "spec." + field, spec[field]!);
            }
        }

        if (ConversionContext.OptionalMapping(spec, "advancedSecurity", "spec.advancedSecurity") is { } asec)
        {
            foreach (var e in asec.Entries)
            {
                if (e.KeyText is "fips" or "kernelLockdown")
                {
                    DropAuto(ctx, "advancedSecurity." + e.KeyText, "spec.advancedSecurity." + e.KeyText, e.Value);
                }
                else
                {
                    ctx.Warn(NoteAction.Dropped, "spec.advancedSecurity." + e.KeyText, null, $"advancedSecurity.{e.KeyText} is not a known Auto Mode field; not converted.");
                }
            }
        }

        ctx.Info(NoteAction.Approximated, "spec.ephemeralStorage", "spec.blockDeviceMappings", ctx.Data.Fields.Auto("ephemeralStorage.instanceStore").Message);
        ctx.Info(NoteAction.Approximated, null, null,
            "Auto Mode caps max pods at 110 and uses VPC CNI prefix delegation by default; OSS Karpenter computes max pods from ENI limits (kubelet.maxPods overrides it).");

        foreach (var e in spec.Entries.Where(e => !AutoKnown.Contains(e.KeyText)))
        {
            ctx.Warn(NoteAction.Dropped, "spec." + e.KeyText, null, $"{e.KeyText} is not a known Auto Mode NodeClass field (newer than this converter's tables?); not converted.");
        }

        root.Set("spec", ConversionContext.Sorted(outSpec));
        return root;
    }

    private static void RequireRoleOrProfile(MappingNode spec)
    {
        if (!ConversionContext.Has(spec, "role") && !ConversionContext.Has(spec, "instanceProfile"))
        {
            throw new ConversionInputException("MissingRequiredField", "spec.role", spec, "spec.role or spec.instanceProfile is required.");
        }
    }

    private static void CopyScalar(MappingNode from, MappingNode to, string key)
    {
        if (ConversionContext.OptionalScalar(from, key, "spec." + key) is { } s)
        {
            to.Set(key, s.Clone());
        }
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

    private static void SelectorsToOss(ConversionContext ctx, MappingNode spec, MappingNode outSpec, string field, IReadOnlyList<SelectorTermSpec>? given, string parameter, bool builtIn)
    {
        string path = "spec." + field;
        var source = ConversionContext.OptionalSequence(spec, field, path);
        bool usable = source is { Count: > 0 } && source.Items.All(t => t is MappingNode { Count: > 0 });
        if (given is { Count: > 0 })
        {
            outSpec.Set(field, TermsToNode(given));
            ctx.Info(NoteAction.Defaulted, usable ? path : null, path,
                usable ? $"{field} replaced by {parameter} ({NodePaths.Describe(TermsToNode(given))}); the source had {NodePaths.Describe(source)}."
                       : $"{field} taken from {parameter}.");
            return;
        }

        if (usable)
        {
            outSpec.Set(field, source!.Clone());
            bool byId = source!.Items.OfType<MappingNode>().Any(t => t.ContainsKey("id"));
            if (builtIn && byId)
            {
                ctx.Warn(NoteAction.Mapped, path, path,
                    $"The built-in 'default' NodeClass selects the cluster's own {(field.StartsWith("subnet", StringComparison.Ordinal) ? "subnets" : "security group")} by id ({NodePaths.Describe(source)}). These ids are cluster-specific: they are right only for this cluster. Use {parameter} or -ClusterName for tag-based discovery.");
            }
            else if (byId)
            {
                ctx.Info(NoteAction.Mapped, path, path, $"{field} select by id ({NodePaths.Describe(source)}); ids are specific to one VPC/account.");
            }

            return;
        }

        if (!string.IsNullOrEmpty(ctx.Options.ClusterName))
        {
            var term = Map(("tags", Map((ctx.Defaults.DiscoveryTagKey, NodePaths.Str(ctx.Options.ClusterName!)))));
            outSpec.Set(field, new SequenceNode(new[] { term }));
            ctx.Warn(NoteAction.Defaulted, source is null ? null : path, path,
                $"The source has no usable {field}; selecting by the discovery tag {ctx.Defaults.DiscoveryTagKey}={ctx.Options.ClusterName} (-ClusterName). Tag your {(field.StartsWith("subnet", StringComparison.Ordinal) ? "subnets" : "security groups")} accordingly.");
            return;
        }

        outSpec.Set(field, new SequenceNode());
        ctx.Note(NoteSeverity.Error, NoteAction.Placeholder, source is null ? null : path, path,
            $"PLACEHOLDER: the source has no usable {field} and none was given. Supply {parameter} (tag hashtable or id) or -ClusterName; the converted EC2NodeClass is not valid until then.");
    }

    internal static SequenceNode TermsToNode(IReadOnlyList<SelectorTermSpec> terms)
    {
        var seq = new SequenceNode();
        foreach (var t in terms)
        {
            var m = new MappingNode();
            if (t.Id is not null)
            {
                m.Set("id", NodePaths.Str(t.Id));
            }

            if (t.Name is not null)
            {
                m.Set("name", NodePaths.Str(t.Name));
            }

            if (t.Tags is not null)
            {
                var tags = new MappingNode();
                foreach (var (k, v) in t.Tags.OrderBy(k => k.Key, StringComparer.Ordinal))
                {
                    tags.Set(k, NodePaths.Str(v));
                }

                m.Set("tags", tags);
            }

            seq.Add(m);
        }

        return seq;
    }

    private static void DropAuto(ConversionContext ctx, string field, string path, ManifestNode value)
    {
        var note = ctx.Data.Fields.Auto(field);
        string described = NodePaths.Describe(value);
        bool isDefault = note.Default is not null && value is ScalarNode s && s.Value == note.Default;
        if (isDefault)
        {
            ctx.Info(NoteAction.Dropped, path, null, note.DefaultMessage ?? note.Message.Replace("{value}", described, StringComparison.Ordinal));
        }
        else
        {
            ctx.Warn(NoteAction.Dropped, path, null, note.Message.Replace("{value}", described, StringComparison.Ordinal));
        }
    }

    private static SequenceNode EphemeralToBlockDevices(ConversionContext ctx, MappingNode spec, AmiFamilyInfo family)
    {
        var def = ctx.Defaults.EphemeralStorage;
        var es = ConversionContext.OptionalMapping(spec, "ephemeralStorage", "spec.ephemeralStorage");
        ManifestNode size = es is not null && ConversionContext.OptionalScalar(es, "size", "spec.ephemeralStorage.size") is { } sz ? sz.Clone() : NodePaths.Str(def.Size);
        ManifestNode iops = es is not null && ConversionContext.OptionalScalar(es, "iops", "spec.ephemeralStorage.iops") is { } io ? io.Clone() : NodePaths.Int(def.Iops);
        ManifestNode throughput = es is not null && ConversionContext.OptionalScalar(es, "throughput", "spec.ephemeralStorage.throughput") is { } tp ? tp.Clone() : NodePaths.Int(def.Throughput);
        ManifestNode? kms = es is not null ? ConversionContext.OptionalScalar(es, "kmsKeyID", "spec.ephemeralStorage.kmsKeyID")?.Clone() : null;

        var seq = new SequenceNode();
        if (family.OsVolume is { } os)
        {
            var osEbs = Map(("encrypted", NodePaths.Bool(true)), ("volumeSize", NodePaths.Str(os.VolumeSize)), ("volumeType", NodePaths.Str("gp3")));
            if (kms is not null)
            {
                osEbs.Set("kmsKeyID", kms.Clone());
            }

            seq.Add(Map(("deviceName", NodePaths.Str(os.DeviceName)), ("ebs", osEbs)));
            ctx.Info(NoteAction.Defaulted, null, "spec.blockDeviceMappings[0]",
                $"{os.DeviceName} is the {family.AmiFamily} OS volume at the OSS default ({os.VolumeSize}, gp3, encrypted{(kms is null ? "" : ", same KMS key: Auto Mode encrypts its root volume with ephemeralStorage.kmsKeyID too")}).");
        }

        var ebs = Map(("encrypted", NodePaths.Bool(true)), ("iops", iops), ("throughput", throughput), ("volumeSize", size), ("volumeType", NodePaths.Str("gp3")));
        if (kms is not null)
        {
            ebs.Set("kmsKeyID", kms);
        }

        var data = Map(("deviceName", NodePaths.Str(family.DataDevice)), ("ebs", ebs));
        if (family.RootVolume)
        {
            data.Set("rootVolume", NodePaths.Bool(true));
        }

        seq.Add(data);
        string target = NodePaths.Index("spec.blockDeviceMappings", seq.Count - 1);
        if (es is null)
        {
            ctx.Info(NoteAction.Defaulted, null, target,
                $"No ephemeralStorage in the source: Auto Mode's default ({def.Size}, {def.Iops} IOPS, {def.Throughput} MiB/s, gp3, encrypted) written to {family.DataDevice}, so nodes keep the same data volume (the OSS default would be 20Gi).");
        }
        else
        {
            ctx.Info(NoteAction.Mapped, "spec.ephemeralStorage", target,
                $"ephemeralStorage mapped to the {family.AmiFamily} data volume {family.DataDevice} (gp3, encrypted{(family.RootVolume ? ", rootVolume" : "")}); unset values take Auto Mode's defaults.");
            foreach (var e in es.Entries.Where(e => e.KeyText is not ("size" or "iops" or "throughput" or "kmsKeyID")))
            {
                ctx.Warn(NoteAction.Dropped, "spec.ephemeralStorage." + e.KeyText, null, $"ephemeralStorage.{e.KeyText} is not a known Auto Mode field; not converted.");
            }
        }

        return seq;
    }

    /// <summary>Copies tags, dropping keys the target refuses (with notes).</summary>
    private static MappingNode FilterTags(ConversionContext ctx, MappingNode tags, IEnumerable<string> restricted, string targetKind)
    {
        var result = new MappingNode();
        foreach (var e in tags.Entries)
        {
            string p = NodePaths.Key("spec.tags", e.KeyText);
            if (DefaultsTable.MatchesRestricted(restricted, e.KeyText) || e.KeyText.Length == 0)
            {
                ctx.Warn(NoteAction.Dropped, p, null, $"Tag key '{e.KeyText}' is restricted in {targetKind} (the controller sets it); dropped.");
                continue;
            }

            result.Set(e.Key, e.Value.Clone());
        }

        return result;
    }

    // ================================================================== OSS → Auto Mode

    public static MappingNode FromOss(ConversionContext ctx)
    {
        var src = ctx.Source.Root;
        var spec = ConversionContext.RequireMapping(src, "spec", "spec");
        var d = ctx.Defaults;
        string name = ctx.Source.Name ?? "";
        string? rename = name == d.BuiltInNodeClass ? name + d.ReservedNameSuffix : null;
        var root = ctx.NewRoot(d.AutoNodeClass.ApiVersion, d.AutoNodeClass.Kind, rename);
        var outSpec = new MappingNode();

        RequireRoleOrProfile(spec);
        CopyScalar(spec, outSpec, "role");
        if (ConversionContext.OptionalScalar(spec, "instanceProfile", "spec.instanceProfile") is { } ip)
        {
            outSpec.Set("instanceProfile", ip.Clone());
            if (ip.Value is { } ipName && !ipName.StartsWith("eks", StringComparison.Ordinal))
            {
                ctx.Warn(NoteAction.Mapped, "spec.instanceProfile", "spec.instanceProfile",
                    $"Auto Mode requires the instance profile name to start with 'eks' (AmazonEKSComputePolicy allows iam:AddRoleToInstanceProfile only on instance-profile/eks*); '{ipName}' does not. Create an 'eks…' profile or use role.");
            }
        }

        if (rename is not null)
        {
            ctx.Warn(NoteAction.Approximated, "metadata.name", "metadata.name",
                $"'{name}' is reserved for Auto Mode's built-in NodeClass, so this one is named '{rename}'; converted NodePools that referenced '{name}' now reference '{rename}' (set nodeClassRef.name back to '{name}' to use the built-in NodeClass instead).");
        }

        foreach (string field in new[] { "subnetSelectorTerms", "securityGroupSelectorTerms" })
        {
            if (ConversionContext.OptionalSequence(spec, field, "spec." + field) is { } terms)
            {
                outSpec.Set(field, terms.Clone());
            }
        }

        if (ConversionContext.OptionalSequence(spec, "capacityReservationSelectorTerms", "spec.capacityReservationSelectorTerms") is { } crs)
        {
            var outCrs = new SequenceNode();
            foreach (var (_, p, term) in ConversionContext.MappingItems(crs, "spec.capacityReservationSelectorTerms"))
            {
                var outTerm = new MappingNode();
                foreach (var e in term.Entries)
                {
                    switch (e.KeyText)
                    {
                        case "ownerID":
                            outTerm.Set("owner", e.Value.Clone());
                            ctx.Info(NoteAction.Mapped, p + ".ownerID", p + ".owner", "ownerID is called owner in the Auto Mode NodeClass.");
                            break;
                        case "instanceMatchCriteria":
                            ctx.Warn(NoteAction.Dropped, p + ".instanceMatchCriteria", null,
                                $"instanceMatchCriteria {NodePaths.Describe(e.Value)} has no Auto Mode field. Auto Mode uses open ODCRs automatically only while no NodeClass sets capacityReservationSelectorTerms; select reservations by id or tags instead.");
                            break;
                        default:
                            outTerm.Set(e.Key, e.Value.Clone());
                            break;
                    }
                }

                if (outTerm.ContainsKey("id") || outTerm.ContainsKey("tags"))
                {
                    outCrs.Add(outTerm);
                }
                else
                {
                    ctx.Warn(NoteAction.Dropped, p, null, "This capacity reservation term selects nothing without instanceMatchCriteria (Auto Mode terms need id or tags); dropped.");
                }
            }

            if (outCrs.Count > 0)
            {
                outSpec.Set("capacityReservationSelectorTerms", outCrs);
                ctx.Info(NoteAction.Mapped, "spec.capacityReservationSelectorTerms", "spec.capacityReservationSelectorTerms",
                    "Capacity reservations carried over. In Auto Mode, setting them on any NodeClass stops automatic use of open ODCRs for the whole cluster.");
            }
        }

        if (ConversionContext.OptionalScalar(spec, "associatePublicIPAddress", "spec.associatePublicIPAddress") is { } pub)
        {
            outSpec.GetOrAddMapping("advancedNetworking").Set("associatePublicIPAddress", pub.Clone());
            ctx.Info(NoteAction.Mapped, "spec.associatePublicIPAddress", "spec.advancedNetworking.associatePublicIPAddress", "associatePublicIPAddress lives under advancedNetworking in Auto Mode.");
        }

        if (ConversionContext.Has(spec, "networkInterfaces"))
        {
            outSpec.GetOrAddMapping("advancedNetworking").Set("networkInterfaces", spec["networkInterfaces"]!.Clone());
            ctx.Warn(NoteAction.Approximated, "spec.networkInterfaces", "spec.advancedNetworking.networkInterfaces", ctx.Data.Fields.Unverifed("networkInterfaces").Message);
        }

        if (ConversionContext.Has(spec, "placementGroupSelector"))
        {
            outSpec.Set("placementGroupSelector", spec["placementGroupSelector"]!.Clone());
            ctx.Warn(NoteAction.Approximated, "spec.placementGroupSelector", "spec.placementGroupSelector", ctx.Data.Fields.Unverifed("placementGroupSelector").Message);
        }

        // AMI.
        string? aliasFamily = null;
        if (ConversionContext.OptionalSequence(spec, "amiSelectorTerms", "spec.amiSelectorTerms") is { } ami)
        {
            var aliasTerm = ami.Items.OfType<MappingNode>().Select(t => t.GetString("alias")).FirstOrDefault(a => a is not null);
            if (ami.Count == 1 && aliasTerm is not null)
            {
                aliasFamily = aliasTerm.Split('@')[0].ToLowerInvariant();
                string version = aliasTerm.Contains('@') ? aliasTerm[(aliasTerm.IndexOf('@') + 1)..] : "";
                if (aliasFamily == "bottlerocket" && version == "latest")
                {
                    ctx.Info(NoteAction.Approximated, "spec.amiSelectorTerms", null,
                        $"amiSelectorTerms alias {aliasTerm}: Auto Mode always runs its own Bottlerocket-based AMI, latest version; nothing to set.");
                }
                else
                {
                    ctx.Warn(NoteAction.Approximated, "spec.amiSelectorTerms", null,
                        $"amiSelectorTerms alias {aliasTerm}: Auto Mode offers no AMI choice or pinning; nodes will run Auto Mode's Bottlerocket-based AMI (latest){(aliasFamily == "bottlerocket" ? "" : $", not {aliasFamily}")}. Check anything that depends on the {aliasFamily} OS.");
                }
            }
            else
            {
                ctx.Warn(NoteAction.Dropped, "spec.amiSelectorTerms", null, ctx.Data.Fields.Oss("amiSelectorTerms").Message.Replace("{value}", NodePaths.Describe(ami), StringComparison.Ordinal));
            }
        }

        string? amiFamily = ConversionContext.OptionalScalar(spec, "amiFamily", "spec.amiFamily")?.Value;
        if (amiFamily is not null)
        {
            DropOss(ctx, "amiFamily", spec["amiFamily"]!, amiFamily == "Bottlerocket" ? NoteSeverity.Info : NoteSeverity.Warning);
        }

        // Block devices → ephemeralStorage.
        string familyKey = (aliasFamily ?? amiFamily ?? "").ToLowerInvariant();
        if (ConversionContext.OptionalSequence(spec, "blockDeviceMappings", "spec.blockDeviceMappings") is { } bdm)
        {
            BlockDevicesToEphemeral(ctx, bdm, familyKey, outSpec);
        }
        else
        {
            ctx.Info(NoteAction.Defaulted, null, null,
                $"No blockDeviceMappings: Auto Mode's default ephemeralStorage ({d.EphemeralStorage.Size}, {d.EphemeralStorage.Iops} IOPS, {d.EphemeralStorage.Throughput} MiB/s) applies (the OSS default data volume is 20Gi).");
        }

        // Tags.
        if (ConversionContext.OptionalMapping(spec, "tags", "spec.tags") is { } tags)
        {
            var outTags = FilterTags(ctx, tags, d.RestrictedTags["auto"], "the Auto Mode NodeClass");
            if (outTags.Count > 0)
            {
                outSpec.Set("tags", outTags);
                ctx.Warn(NoteAction.Mapped, "spec.tags", "spec.tags",
                    "Custom tags on an Auto Mode NodeClass need extra permissions on the cluster IAM role (ec2:CreateFleet/RunInstances/CreateLaunchTemplate with aws:RequestTag conditions); without them no node launches.");
            }
        }

        // Lossy OSS-only fields.
        foreach (string field in new[] { "userData", "kubelet", "detailedMonitoring", "instanceStorePolicy", "connectionTracking", "cpuOptions", "context", "ipPrefixCount" })
        {
            if (ConversionContext.Has(spec, field))
            {
                var sev = field is "instanceStorePolicy" ? NoteSeverity.Info : NoteSeverity.Warning;
                DropOss(ctx, field, spec[field]!, sev);
            }
        }

        if (ConversionContext.OptionalMapping(spec, "metadataOptions", "spec.metadataOptions") is { } mo)
        {
            bool same = mo.Entries.All(e => d.MetadataOptions.TryGetValue(e.KeyText, out string? v) && e.Value is ScalarNode s && NodePaths.Canonical(s) == v);
            var note = ctx.Data.Fields.Oss("metadataOptions");
            ctx.Note(same ? NoteSeverity.Info : NoteSeverity.Warning, NoteAction.Dropped, "spec.metadataOptions", null,
                same ? note.DefaultMessage! : note.Message.Replace("{value}", NodePaths.Describe(mo), StringComparison.Ordinal));
        }

        foreach (var e in spec.Entries.Where(e => !OssKnown.Contains(e.KeyText)))
        {
            ctx.Warn(NoteAction.Dropped, "spec." + e.KeyText, null, $"{e.KeyText} is not a known EC2NodeClass field (newer than this converter's tables?); not converted.");
        }

        root.Set("spec", ConversionContext.Sorted(outSpec));
        return root;
    }

    private static void DropOss(ConversionContext ctx, string field, ManifestNode value, NoteSeverity severity)
    {
        var note = ctx.Data.Fields.Oss(field);
        string described = field == "userData" ? $"({(value as ScalarNode)?.Value?.Length ?? 0} characters)" : NodePaths.Describe(value);
        ctx.Note(severity, NoteAction.Dropped, "spec." + field, null, note.Message.Replace("{value}", described, StringComparison.Ordinal));
        if (field == "userData" && value is ScalarNode { Value: { } text })
        {
            var hints = new List<string>();
            if (text.Contains("https-proxy", StringComparison.OrdinalIgnoreCase) || text.Contains("HTTPS_PROXY", StringComparison.OrdinalIgnoreCase))
            {
                hints.Add("an HTTPS proxy (→ advancedNetworking.httpsProxy/noProxy)");
            }

            if (text.Contains("settings.pki", StringComparison.OrdinalIgnoreCase) || text.Contains("BEGIN CERTIFICATE", StringComparison.Ordinal))
            {
                hints.Add("CA certificates (→ certificateBundles)");
            }

            if (text.Contains("lockdown", StringComparison.OrdinalIgnoreCase))
            {
                hints.Add("kernel lockdown (→ advancedSecurity.kernelLockdown)");
            }

            if (hints.Count > 0)
            {
                ctx.Warn(NoteAction.Dropped, "spec.userData", null, "The userData appears to configure " + string.Join(", ", hints) + "; set those Auto Mode fields by hand.");
            }
        }
    }

    private static void BlockDevicesToEphemeral(ConversionContext ctx, SequenceNode bdm, string familyKey, MappingNode outSpec)
    {
        var d = ctx.Defaults;
        string? dataDevice = d.AmiFamilies.TryGetValue(familyKey, out var fam) ? fam.DataDevice : null;
        bool bottlerocket = familyKey == "bottlerocket";
        int dataIndex = -1;
        var maps = ConversionContext.MappingItems(bdm, "spec.blockDeviceMappings").Select(t => t.Item).ToList();
        if (!bottlerocket)
        {
            dataIndex = maps.FindIndex(m => m["rootVolume"] is ScalarNode s && s.TryGetBoolean(out bool b) && b);
        }

        if (dataIndex < 0 && dataDevice is not null)
        {
            dataIndex = maps.FindIndex(m => m.GetString("deviceName") == dataDevice);
        }

        if (dataIndex < 0)
        {
            dataIndex = maps.FindIndex(m => m["rootVolume"] is ScalarNode s && s.TryGetBoolean(out bool b) && b);
        }

        if (dataIndex < 0 && maps.Count > 0)
        {
            dataIndex = maps.Count - 1;
        }

        for (int i = 0; i < maps.Count; i++)
        {
            string p = NodePaths.Index("spec.blockDeviceMappings", i);
            if (i != dataIndex)
            {
                bool osVolume = bottlerocket && maps[i].GetString("deviceName") == d.AmiFamilies["bottlerocket"].OsVolume?.DeviceName;
                ctx.Note(osVolume ? NoteSeverity.Info : NoteSeverity.Warning, NoteAction.Dropped, p, null,
                    ctx.Data.Fields.Oss("blockDeviceMappings").Message.Replace("{value}", NodePaths.Describe(maps[i]), StringComparison.Ordinal));
                continue;
            }

            var ebs = ConversionContext.OptionalMapping(maps[i], "ebs", p + ".ebs") ?? new MappingNode();
            var es = new MappingNode();
            var def = d.EphemeralStorage;
            if (ConversionContext.OptionalScalar(ebs, "volumeSize", p + ".ebs.volumeSize") is { } size)
            {
                es.Set("size", size.Clone());
            }
            else
            {
                ctx.Warn(NoteAction.Defaulted, p + ".ebs", "spec.ephemeralStorage.size", $"The data volume has no volumeSize (snapshot-sized); Auto Mode's default size {def.Size} applies.");
            }

            es.Set("iops", Clamp(ctx, ebs, "iops", p, def.IopsRange, "IOPS"));
            es.Set("throughput", Clamp(ctx, ebs, "throughput", p, def.ThroughputRange, "MiB/s throughput"));
            if (es["iops"] is ScalarNode { IsNull: true })
            {
                es.Remove("iops");
            }

            if (es["throughput"] is ScalarNode { IsNull: true })
            {
                es.Remove("throughput");
            }

            if (ConversionContext.OptionalScalar(ebs, "kmsKeyID", p + ".ebs.kmsKeyID") is { } kms)
            {
                es.Set("kmsKeyID", kms.Clone());
            }

            ctx.Info(NoteAction.Mapped, p, "spec.ephemeralStorage",
                $"The data volume {maps[i].GetString("deviceName") ?? "(no deviceName)"} maps to ephemeralStorage.");
            if (ConversionContext.OptionalScalar(ebs, "volumeType", p + ".ebs.volumeType") is { Value: { } vt } && vt != "gp3")
            {
                ctx.Warn(NoteAction.Approximated, p + ".ebs.volumeType", "spec.ephemeralStorage", $"volumeType {vt}: Auto Mode's ephemeral storage is always gp3.");
            }

            if (ebs["encrypted"] is ScalarNode enc && enc.TryGetBoolean(out bool encrypted) && !encrypted)
            {
                ctx.Warn(NoteAction.Approximated, p + ".ebs.encrypted", "spec.ephemeralStorage", "encrypted: false: Auto Mode always encrypts ephemeral storage (AWS-managed key unless kmsKeyID is set).");
            }

            foreach (string lossy in new[] { "snapshotID", "deleteOnTermination", "volumeInitializationRate" })
            {
                if (ConversionContext.Has(ebs, lossy))
                {
                    ctx.Warn(NoteAction.Dropped, p + ".ebs." + lossy, null, $"ebs.{lossy} {NodePaths.Describe(ebs[lossy])} has no Auto Mode field (Auto Mode volumes are created empty and deleted with the node).");
                }
            }

            outSpec.Set("ephemeralStorage", es);
        }
    }

    private static ManifestNode Clamp(ConversionContext ctx, MappingNode ebs, string key, string p, List<long> range, string what)
    {
        var s = ConversionContext.OptionalScalar(ebs, key, p + ".ebs." + key);
        if (s is null)
        {
            return ScalarNode.Null();
        }

        if (s.TryGetInt64(out long v) && range.Count == 2 && (v < range[0] || v > range[1]))
        {
            long clamped = Math.Clamp(v, range[0], range[1]);
            ctx.Warn(NoteAction.Approximated, p + ".ebs." + key, "spec.ephemeralStorage." + key,
                $"{v} {what} is outside Auto Mode's range {range[0]}–{range[1]}; set to {clamped}.");
            return NodePaths.Int(clamped);
        }

        return s.Clone();
    }
}
