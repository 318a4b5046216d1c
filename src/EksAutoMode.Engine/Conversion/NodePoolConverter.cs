using EksAutoMode.Engine.Manifests;

namespace EksAutoMode.Engine.Conversion;

/// <summary>Auto Mode NodePool ⇄ OSS Karpenter NodePool (same CRD, karpenter.sh/v1): nodeClassRef and label keys.</summary>
internal static class NodePoolConverter
{
    public static MappingNode Convert(ConversionContext ctx, ConversionDirection direction)
    {
        var d = ctx.Defaults;
        var src = ctx.Source.Root;
        var spec = ConversionContext.RequireMapping(src, "spec", "spec");
        var template = ConversionContext.RequireMapping(spec, "template", "spec.template");
        var tspec = ConversionContext.RequireMapping(template, "spec", "spec.template.spec");
        var ncr = ConversionContext.RequireMapping(tspec, "nodeClassRef", "spec.template.spec.nodeClassRef");
        if (string.IsNullOrEmpty(ncr.GetString("name")))
        {
            throw new ConversionInputException("MissingRequiredField", "spec.template.spec.nodeClassRef.name", ncr, "spec.template.spec.nodeClassRef.name is required.");
        }

        if (ConversionContext.OptionalSequence(tspec, "requirements", "spec.template.spec.requirements") is null)
        {
            throw new ConversionInputException("MissingRequiredField", "spec.template.spec.requirements", tspec, "spec.template.spec.requirements is required.");
        }

        bool toOss = direction == ConversionDirection.AutoToOss;
        string name = ctx.Source.Name ?? "";
        string? rename = !toOss && d.BuiltInNodePools.Contains(name) ? name + d.ReservedNameSuffix : null;
        var root = ctx.NewRoot(d.NodePool.ApiVersion, d.NodePool.Kind, rename);
        var outSpec = (MappingNode)spec.Clone();
        var outTemplate = outSpec.GetMapping("template")!;
        var outTSpec = outTemplate.GetMapping("spec")!;

        // nodeClassRef.
        var target = toOss ? d.OssNodeClass : d.AutoNodeClass;
        var outRef = outTSpec.GetMapping("nodeClassRef")!;
        outRef.Set("group", NodePaths.Str(target.Group));
        outRef.Set("kind", NodePaths.Str(target.Kind));
        string refName = ncr.GetString("name")!;
        if (!toOss && refName == d.BuiltInNodeClass)
        {
            refName += d.ReservedNameSuffix;
            outRef.Set("name", NodePaths.Str(refName));
            ctx.Warn(NoteAction.Approximated, "spec.template.spec.nodeClassRef.name", "spec.template.spec.nodeClassRef.name",
                $"nodeClassRef.name '{d.BuiltInNodeClass}' became '{refName}', the name ConvertFrom-OssKarpenter gives the converted EC2NodeClass '{d.BuiltInNodeClass}' (Auto Mode reserves '{d.BuiltInNodeClass}' for its built-in NodeClass). Set it back to '{d.BuiltInNodeClass}' to use the built-in NodeClass, as AWS's migration guide does.");
        }

        ctx.Info(NoteAction.Mapped, "spec.template.spec.nodeClassRef", "spec.template.spec.nodeClassRef",
            $"nodeClassRef now points at {target.Kind} '{refName}' ({target.Group}); convert that node class too.");

        var keyMap = toOss ? ctx.Data.AutoToOssKeys : ctx.Data.OssToAutoKeys;
        var noEquivalent = toOss ? ctx.Data.Labels.AutoOnly : ctx.Data.Labels.OssOnly;

        // Requirements.
        var reqs = outTSpec.GetSequence("requirements")!;
        var newReqs = new SequenceNode();
        int outIndex = 0;
        foreach (var (i, p, req) in ConversionContext.MappingItems(reqs, "spec.template.spec.requirements"))
        {

            string? key = req.GetString("key");
            if (key is null)
            {
                throw new ConversionInputException("MissingRequiredField", p + ".key", req, $"{p}.key is required.");
            }

            string targetPath = NodePaths.Index("spec.template.spec.requirements", outIndex);
            if (keyMap.TryGetValue(key, out string? mapped))
            {
                req.Set("key", NodePaths.Str(mapped));
                ctx.Info(NoteAction.Mapped, p + ".key", targetPath + ".key", $"Requirement key {key} → {mapped}.");
            }
            else if (noEquivalent.TryGetValue(key, out string? why))
            {
                ctx.Warn(NoteAction.Dropped, p, null, $"Requirement {key} {req.GetString("operator")} {NodePaths.Describe(req["values"])} dropped: {why} Without it the pool may select more instance types.");
                continue;
            }
            else if (!toOss && key.StartsWith("karpenter.k8s.aws/", StringComparison.Ordinal))
            {
                ctx.Warn(NoteAction.Dropped, p, null, $"Requirement {key} dropped: no documented Auto Mode equivalent.");
                continue;
            }

            if (!toOss && ctx.Data.Labels.UnsupportedValues.TryGetValue(req.GetString("key")!, out var bad) && req.GetSequence("values") is { } vals)
            {
                foreach (var v in vals.Items.OfType<ScalarNode>())
                {
                    if (v.Value is { } text && bad.TryGetValue(text, out string? msg))
                    {
                        ctx.Warn(NoteAction.Approximated, p, targetPath, $"{req.GetString("key")} value '{text}': {msg}");
                    }
                }
            }

            newReqs.Add(req);
            outIndex++;
        }

        outTSpec.Set("requirements", newReqs);

        // Template labels.
        if (outTemplate.GetMapping("metadata")?.GetMapping("labels") is { } labels)
        {
            var newLabels = new MappingNode();
            foreach (var e in labels.Entries)
            {
                string p = NodePaths.Key("spec.template.metadata.labels", e.KeyText);
                if (keyMap.TryGetValue(e.KeyText, out string? mapped))
                {
                    newLabels.Set(mapped, e.Value);
                    ctx.Info(NoteAction.Mapped, p, NodePaths.Key("spec.template.metadata.labels", mapped), $"Label key {e.KeyText} → {mapped}.");
                }
                else if (noEquivalent.TryGetValue(e.KeyText, out string? why))
                {
                    ctx.Warn(NoteAction.Dropped, p, null, $"Label {e.KeyText} dropped: {why}");
                }
                else
                {
                    newLabels.Set(e.Key, e.Value);
                }
            }

            outTemplate.GetMapping("metadata")!.Set("labels", newLabels);
        }

        if (toOss)
        {
            ToOssLifetime(ctx, outTSpec);
        }
        else
        {
            FromOssLifetime(ctx, tspec, outTSpec);
            AddTaints(ctx, outTSpec);
            if (rename is not null)
            {
                ctx.Warn(NoteAction.Approximated, "metadata.name", "metadata.name",
                    $"'{name}' is reserved for an Auto Mode built-in NodePool (built-ins cannot be modified), so this one is named '{rename}'.");
            }
        }

        if (toOss && d.BuiltInNodePools.Contains(name))
        {
            ctx.Info(NoteAction.Mapped, "metadata.name", "metadata.name", $"'{name}' is an Auto Mode built-in NodePool; in OSS Karpenter it is an ordinary NodePool.");
        }

        root.Set("spec", ConversionContext.Sorted(outSpec));
        return root;
    }

    private static void ToOssLifetime(ConversionContext ctx, MappingNode tspec)
    {
        var life = ctx.Defaults.Lifetime;
        if (!ConversionContext.Has(tspec, "terminationGracePeriod"))
        {
            tspec.Set("terminationGracePeriod", NodePaths.Str(life.DefaultTerminationGracePeriod));
            ctx.Info(NoteAction.Defaulted, null, "spec.template.spec.terminationGracePeriod",
                $"terminationGracePeriod set to {life.DefaultTerminationGracePeriod}: Auto Mode applies it to every NodeClaim when unset, while OSS Karpenter would wait for drains forever.");
        }

        if (!ConversionContext.Has(tspec, "expireAfter"))
        {
            ctx.Info(NoteAction.Defaulted, null, "spec.template.spec",
                "No expireAfter: OSS Karpenter's default 720h applies (Auto Mode caps node lifetime at 21 days including the grace period).");
        }
    }

    private static void FromOssLifetime(ConversionContext ctx, MappingNode srcSpec, MappingNode tspec)
    {
        var life = ctx.Defaults.Lifetime;
        TimeSpan max = TimeSpan.FromHours(life.MaxTotalHours);
        string? tgpText = ConversionContext.OptionalScalar(srcSpec, "terminationGracePeriod", "spec.template.spec.terminationGracePeriod")?.Value;
        ConversionContext.TryParseDuration(life.DefaultTerminationGracePeriod, out TimeSpan grace);
        if (tgpText is not null && !ConversionContext.TryParseDuration(tgpText, out grace))
        {
            return; // an invalid duration: the schema check reports it
        }

        TimeSpan largest = max - grace;
        const string path = "spec.template.spec.expireAfter";
        string? expire = ConversionContext.OptionalScalar(srcSpec, "expireAfter", path)?.Value;
        string graceText = tgpText is null ? $"the default terminationGracePeriod {life.DefaultTerminationGracePeriod}" : $"terminationGracePeriod {tgpText}";
        if (largest <= TimeSpan.Zero)
        {
            ctx.Warn(NoteAction.Approximated, "spec.template.spec.terminationGracePeriod", "spec.template.spec.terminationGracePeriod",
                $"terminationGracePeriod {tgpText} alone reaches Auto Mode's 21-day node lifetime cap; shorten it.");
            return;
        }

        bool tooLong = expire == "Never" || (ConversionContext.TryParseDuration(expire, out TimeSpan e) && e > largest);
        if (expire is null)
        {
            tspec.Set("expireAfter", NodePaths.Str(ConversionContext.FormatDuration(largest)));
            ctx.Warn(NoteAction.Defaulted, null, path,
                $"No expireAfter: OSS Karpenter's default is 720h, over Auto Mode's 21-day cap (expireAfter + terminationGracePeriod ≤ 504h). Set to {ConversionContext.FormatDuration(largest)}, the largest allowed with {graceText}.");
            return;
        }

        if (!tooLong)
        {
            return;
        }

        if (ctx.Options.KeepExpireAfter)
        {
            ctx.Warn(NoteAction.Mapped, path, path,
                $"expireAfter {expire} kept (-KeepExpireAfter), but Auto Mode rejects it: expireAfter + terminationGracePeriod may not exceed 21 days{(expire == "Never" ? " and expireAfter may not be Never" : "")}.");
            return;
        }

        tspec.Set("expireAfter", NodePaths.Str(ConversionContext.FormatDuration(largest)));
        ctx.Warn(NoteAction.Approximated, path, path,
            $"expireAfter {expire} is not allowed in Auto Mode (node lifetime ≤ 21 days including the grace period); set to {ConversionContext.FormatDuration(largest)}, the largest allowed with {graceText}. Nodes will now be replaced at least every {largest.TotalDays:0.#} days; use -KeepExpireAfter to keep the value.");
    }

    private static void AddTaints(ConversionContext ctx, MappingNode tspec)
    {
        if (ctx.Options.Taints.Count == 0)
        {
            return;
        }

        var taints = tspec.GetSequence("taints") ?? new SequenceNode();
        foreach (var t in ctx.Options.Taints)
        {
            bool exists = taints.Items.OfType<MappingNode>().Any(m => m.GetString("key") == t.Key && m.GetString("effect") == t.Effect);
            if (exists)
            {
                ctx.Info(NoteAction.Mapped, "spec.template.spec.taints", "spec.template.spec.taints", $"Taint {t} is already present.");
                continue;
            }

            var m = new MappingNode();
            m.Set("effect", NodePaths.Str(t.Effect));
            m.Set("key", NodePaths.Str(t.Key));
            if (t.Value is not null)
            {
                m.Set("value", NodePaths.Str(t.Value));
            }

            taints.Add(m);
            ctx.Info(NoteAction.Defaulted, null, NodePaths.Index("spec.template.spec.taints", taints.Count - 1),
                $"Migration taint {t} added (-Taint): only workloads with a matching toleration (and nodeSelector eks.amazonaws.com/compute-type: auto) move to Auto Mode nodes while both run side by side.");
        }

        tspec.Set("taints", taints);
    }
}
