using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using EksAutoMode.Engine.Aws;
using EksAutoMode.Engine.Inventory;
using EksAutoMode.Engine.Kubernetes;

namespace EksAutoMode.Engine.Readiness;

/// <summary>
/// Where the checks read the cluster from. Every method throws an <see cref="EngineException"/> when the data
/// cannot be read (403 / AccessDenied, no -ClusterName for EKS data, connection failures): the checks that need it
/// become Skipped with that message, never a Pass.
/// </summary>
public interface IReadinessSource
{
    /// <summary>The EKS cluster name, when EKS data can be read.</summary>
    string? ClusterName { get; }

    /// <summary>Every object of a resource, cluster-wide (an uninstalled CRD gives an empty list).</summary>
    Task<IReadOnlyList<JsonElement>> ListAsync(KubernetesResourceType resource, string? labelSelector, CancellationToken cancellationToken);

    /// <summary>The API server's gitVersion.</summary>
    Task<string> GetServerVersionAsync(CancellationToken cancellationToken);

    /// <summary>EKS DescribeCluster's <c>cluster</c> object.</summary>
    Task<JsonElement> DescribeClusterAsync(CancellationToken cancellationToken);

    /// <summary>EKS DescribeAddon's <c>addon</c> object for every installed add-on.</summary>
    Task<IReadOnlyList<JsonElement>> DescribeAddonsAsync(CancellationToken cancellationToken);

    /// <summary>EKS DescribeNodegroup's <c>nodegroup</c> object for every managed node group.</summary>
    Task<IReadOnlyList<JsonElement>> DescribeNodegroupsAsync(CancellationToken cancellationToken);

    /// <summary>EKS DescribeFargateProfile's <c>fargateProfile</c> object for every Fargate profile.</summary>
    Task<IReadOnlyList<JsonElement>> DescribeFargateProfilesAsync(CancellationToken cancellationToken);

    /// <summary>EKS ListPodIdentityAssociations: every association summary (namespace, serviceAccount, associationId …).</summary>
    Task<IReadOnlyList<JsonElement>> ListPodIdentityAssociationsAsync(CancellationToken cancellationToken);

    /// <summary>EKS ListInsights: every insight summary (name, category, kubernetesVersion, insightStatus {status, reason}).</summary>
    Task<IReadOnlyList<JsonElement>> ListInsightsAsync(CancellationToken cancellationToken);

    /// <summary>EC2 DescribeLaunchTemplateVersions for one version (<paramref name="version"/> null = $Default) of a template given by id (lt-…) or name.</summary>
    Task<LaunchTemplateFacts> DescribeLaunchTemplateVersionAsync(string idOrName, string? version, CancellationToken cancellationToken);

    /// <summary>EC2 DescribeImages for one AMI; null when EC2 does not know it (deregistered or not shared).</summary>
    Task<AmiFacts?> DescribeImageAsync(string imageId, CancellationToken cancellationToken);

    /// <summary>EC2 DescribeSubnets for every subnet of a VPC.</summary>
    Task<IReadOnlyList<SubnetFacts>> DescribeSubnetsAsync(string vpcId, CancellationToken cancellationToken);
}

/// <summary>A VPC subnet as DescribeSubnets returns it.</summary>
public sealed record SubnetFacts(string SubnetId, string? AvailabilityZone, long? AvailableIpAddressCount, bool MapPublicIpOnLaunch, IReadOnlyDictionary<string, string> Tags);

/// <summary>One launch template version as EC2 returns it; <see cref="UserData"/> is the base64-decoded text (null when none is set).</summary>
public sealed record LaunchTemplateFacts(string Id, string Name, long Version, string? ImageId, string? UserData, string? KeyName);

/// <summary>An AMI as DescribeImages returns it.</summary>
public sealed record AmiFacts(string ImageId, string? Name, string? OwnerId, string? OwnerAlias, string? Description);

/// <summary>Reads a live cluster: Kubernetes through the paged list reader, EKS through the signed AWS client.</summary>
public sealed class LiveReadinessSource : IReadinessSource
{
    private readonly KubernetesConnection? _connection;
    private readonly KubernetesListReader? _reader;
    private readonly EngineException? _connectionError;
    private readonly AwsSession? _session;

    /// <param name="connection">The Kubernetes connection; null when it could not be opened (<paramref name="connectionError"/> then explains why, and every Kubernetes read fails with it).</param>
    public LiveReadinessSource(KubernetesConnection? connection, AwsSession? session, string? clusterName, Action<string>? trace = null, EngineException? connectionError = null)
    {
        _connection = connection;
        _connectionError = connectionError;
        _session = session;
        ClusterName = string.IsNullOrWhiteSpace(clusterName) ? null : clusterName.Trim();
        _reader = connection is null ? null : new KubernetesListReader(connection) { Trace = trace };
    }

    public string? ClusterName { get; }

    public Task<IReadOnlyList<JsonElement>> ListAsync(KubernetesResourceType resource, string? labelSelector, CancellationToken cancellationToken) =>
        (_reader ?? throw NoConnection()).ListAllAsync(resource,
            new KubernetesListOptions { NotFoundIsEmpty = true, LabelSelector = labelSelector }, cancellationToken);

    public Task<string> GetServerVersionAsync(CancellationToken cancellationToken) => (_connection ?? throw NoConnection()).GetServerVersionAsync(cancellationToken);

    private EngineException NoConnection() =>
        _connectionError ?? new EngineException("KubernetesNotConnected", ErrorKind.InvalidArgument, "Kubernetes objects were not read: no cluster connection (give -ClusterName or -KubeConfigPath).", null);

    public async Task<JsonElement> DescribeClusterAsync(CancellationToken cancellationToken)
    {
        (AwsSession session, string name) = RequireEks();
        using JsonDocument doc = await session.Client.InvokeRestJsonAsync(AwsService.Eks, "DescribeCluster", HttpMethod.Get, "/clusters/" + name,
            options: new AwsCallOptions { Target = name }, cancellationToken: cancellationToken).ConfigureAwait(false);
        return doc.RootElement.TryGetProperty("cluster", out JsonElement c) ? c.Clone()
            : throw new EngineException("AwsInvalidResponse", ErrorKind.InvalidResult, $"EKS DescribeCluster returned no cluster for '{name}'.", name);
    }

    public Task<IReadOnlyList<JsonElement>> DescribeAddonsAsync(CancellationToken cancellationToken) =>
        DescribeEachAsync("ListAddons", "addons", "DescribeAddon", "addons", "addon", cancellationToken);

    public Task<IReadOnlyList<JsonElement>> DescribeNodegroupsAsync(CancellationToken cancellationToken) =>
        DescribeEachAsync("ListNodegroups", "node-groups", "DescribeNodegroup", "nodegroups", "nodegroup", cancellationToken);

    public Task<IReadOnlyList<JsonElement>> DescribeFargateProfilesAsync(CancellationToken cancellationToken) =>
        DescribeEachAsync("ListFargateProfiles", "fargate-profiles", "DescribeFargateProfile", "fargateProfileNames", "fargateProfile", cancellationToken);

    public async Task<IReadOnlyList<JsonElement>> ListPodIdentityAssociationsAsync(CancellationToken cancellationToken)
    {
        (AwsSession session, string name) = RequireEks();
        var items = new List<JsonElement>();
        await foreach (JsonDocument page in session.Client.PaginateRestJsonAsync(AwsService.Eks, "ListPodIdentityAssociations", $"/clusters/{name}/pod-identity-associations",
            options: new AwsCallOptions { Target = name }, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            using (page)
            {
                items.AddRange(page.RootElement.Array("associations").Select(e => e.Clone()));
            }
        }

        return items;
    }

    public async Task<IReadOnlyList<JsonElement>> ListInsightsAsync(CancellationToken cancellationToken)
    {
        (AwsSession session, string name) = RequireEks();
        var target = new AwsCallOptions { Target = name };
        var items = new List<JsonElement>();
        await foreach (JsonDocument page in AwsPagination.PaginateAsync<JsonDocument>(async (token, ct) =>
        {
            var body = new JsonObject { ["filter"] = new JsonObject() };
            if (token is not null)
            {
                body["nextToken"] = token;
            }

            JsonDocument doc = await session.Client.InvokeRestJsonAsync(AwsService.Eks, "ListInsights", HttpMethod.Post, $"/clusters/{name}/insights", body: body, options: target, cancellationToken: ct).ConfigureAwait(false);
            return (doc, doc.RootElement.Str("nextToken"));
        }, AwsService.Eks.DisplayName, "ListInsights", cancellationToken).ConfigureAwait(false))
        {
            using (page)
            {
                items.AddRange(page.RootElement.Array("insights").Select(e => e.Clone()));
            }
        }

        return items;
    }

    private const string Ec2Version = "2016-11-15";

    public async Task<LaunchTemplateFacts> DescribeLaunchTemplateVersionAsync(string idOrName, string? version, CancellationToken cancellationToken)
    {
        AwsSession session = RequireAws();
        bool byId = idOrName.StartsWith("lt-", StringComparison.Ordinal);
        var parameters = new List<KeyValuePair<string, string>>
        {
            new(byId ? "LaunchTemplateId" : "LaunchTemplateName", idOrName),
            new("LaunchTemplateVersion.1", string.IsNullOrEmpty(version) ? "$Default" : version),
        };
        XDocument doc = await session.Client.InvokeQueryAsync(AwsService.Ec2, "DescribeLaunchTemplateVersions", Ec2Version, parameters,
            new AwsCallOptions { Target = idOrName }, cancellationToken).ConfigureAwait(false);
        XElement item = QueryXml.Items(doc, "launchTemplateVersionSet").FirstOrDefault()
            ?? throw new EngineException("LaunchTemplateVersionNotFound", ErrorKind.ObjectNotFound, $"EC2 returned no version {version ?? "$Default"} of launch template {idOrName}.", idOrName);
        XElement? data = Child(item, "launchTemplateData");
        string? userData = Text(data, "userData");
        string? decoded = null;
        if (userData is { Length: > 0 })
        {
            try
            {
                decoded = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(userData));
            }
            catch (FormatException)
            {
                decoded = userData; // not base64: keep the text as EC2 gave it
            }
        }

        return new LaunchTemplateFacts(Text(item, "launchTemplateId") ?? idOrName, Text(item, "launchTemplateName") ?? "",
            long.TryParse(Text(item, "versionNumber"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long n) ? n : 0,
            Text(data, "imageId"), decoded, Text(data, "keyName"));
    }

    public async Task<AmiFacts?> DescribeImageAsync(string imageId, CancellationToken cancellationToken)
    {
        AwsSession session = RequireAws();
        XDocument doc;
        try
        {
            doc = await session.Client.InvokeQueryAsync(AwsService.Ec2, "DescribeImages", Ec2Version, new[] { new KeyValuePair<string, string>("ImageId.1", imageId) },
                new AwsCallOptions { Target = imageId }, cancellationToken).ConfigureAwait(false);
        }
        catch (AwsServiceException ex) when (ex.ErrorCode == "InvalidAMIID.NotFound")
        {
            return null;
        }

        XElement? item = QueryXml.Items(doc, "imagesSet").FirstOrDefault();
        return item is null ? null
            : new AmiFacts(Text(item, "imageId") ?? imageId, Text(item, "name"), Text(item, "imageOwnerId"), Text(item, "imageOwnerAlias"), Text(item, "description"));
    }

    public async Task<IReadOnlyList<SubnetFacts>> DescribeSubnetsAsync(string vpcId, CancellationToken cancellationToken)
    {
        AwsSession session = RequireAws();
        var result = new List<SubnetFacts>();
        var parameters = new[] { new KeyValuePair<string, string>("Filter.1.Name", "vpc-id"), new KeyValuePair<string, string>("Filter.1.Value.1", vpcId) };
        await foreach (XDocument page in session.Client.PaginateQueryAsync(AwsService.Ec2, "DescribeSubnets", Ec2Version, parameters, "NextToken", "nextToken",
            new AwsCallOptions { Target = vpcId }, cancellationToken).ConfigureAwait(false))
        {
            foreach (XElement item in QueryXml.Items(page, "subnetSet"))
            {
                var tags = (Child(item, "tagSet")?.Elements() ?? Enumerable.Empty<XElement>())
                    .Select(t => (Key: Text(t, "key"), Value: Child(t, "value")?.Value ?? ""))
                    .Where(t => t.Key is not null).GroupBy(t => t.Key!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Value, StringComparer.Ordinal);
                result.Add(new SubnetFacts(Text(item, "subnetId") ?? "", Text(item, "availabilityZone"),
                    long.TryParse(Text(item, "availableIpAddressCount"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long ips) ? ips : null,
                    string.Equals(Text(item, "mapPublicIpOnLaunch"), "true", StringComparison.OrdinalIgnoreCase), tags));
            }
        }

        return result;
    }

    private static XElement? Child(XElement? e, string name) => QueryXml.Child(e, name);

    private static string? Text(XElement? e, string name) => QueryXml.Text(e, name);

    private AwsSession RequireAws() => _session ?? throw new EngineException("ReadinessNeedsClusterName", ErrorKind.InvalidArgument,
        "EC2 data was not read: give -ClusterName (with AWS credentials) to read launch templates and AMIs.", null);

    private async Task<IReadOnlyList<JsonElement>> DescribeEachAsync(string listOperation, string pathSegment, string describeOperation, string listField,
        string itemField, CancellationToken cancellationToken)
    {
        (AwsSession session, string name) = RequireEks();
        var target = new AwsCallOptions { Target = name };
        var names = new List<string>();
        await foreach (JsonDocument page in session.Client.PaginateRestJsonAsync(AwsService.Eks, listOperation, $"/clusters/{name}/{pathSegment}",
            options: target, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            using (page)
            {
                names.AddRange(page.RootElement.Array(listField).Select(e => e.GetString()).OfType<string>());
            }
        }

        var items = new List<JsonElement>();
        foreach (string item in names)
        {
            using JsonDocument doc = await session.Client.InvokeRestJsonAsync(AwsService.Eks, describeOperation, HttpMethod.Get,
                $"/clusters/{name}/{pathSegment}/{item}", options: target, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (doc.RootElement.TryGetProperty(itemField, out JsonElement e))
            {
                items.Add(e.Clone());
            }
        }

        return items;
    }

    private (AwsSession, string) RequireEks() =>
        _session is not null && ClusterName is not null
            ? (_session, ClusterName)
            : throw new EngineException("ReadinessNeedsClusterName", ErrorKind.InvalidArgument,
                "EKS data was not read: give -ClusterName (with AWS credentials) to check add-ons, node groups and the cluster version from EKS.", null);
}

/// <summary>One deployed Helm 3 release, read from its release secret.</summary>
public sealed record HelmRelease(string Name, string Namespace, string Chart, string ChartVersion, string? AppVersion, int Revision, string Status);

/// <summary>
/// What the evaluators share: each list or EKS call is made once per run (concurrent checks wait for the same task),
/// and failures are remembered so every dependent check reports the same reason.
/// </summary>
public sealed class ReadinessData
{
    private readonly ConcurrentDictionary<string, Lazy<Task<object>>> _cache = new(StringComparer.Ordinal);

    public ReadinessData(IReadinessSource source, KubernetesMinor? target, DateTimeOffset now, ReadinessData? reuse = null)
    {
        if (reuse is not null)
        {
            _cache = reuse._cache;
        }

        Source = source;
        Target = target;
        Now = now;
    }

    public IReadinessSource Source { get; }

    /// <summary>The Kubernetes version the cluster will run under Auto Mode (default: the current one).</summary>
    public KubernetesMinor? Target { get; }

    public DateTimeOffset Now { get; }

    public Task<IReadOnlyList<JsonElement>> ListAsync(KubernetesResourceType resource, CancellationToken ct, string? labelSelector = null) =>
        Get($"k8s:{resource.Group}/{resource.Plural}?{labelSelector}", async () => (object)await Source.ListAsync(resource, labelSelector, ct).ConfigureAwait(false))
            .ContinueWith(t => (IReadOnlyList<JsonElement>)t.GetAwaiter().GetResult(), ct, TaskContinuationOptions.None, TaskScheduler.Default);

    public async Task<string> ServerVersionAsync(CancellationToken ct) => (string)await Get("k8s:version", async () => (object)await Source.GetServerVersionAsync(ct).ConfigureAwait(false)).ConfigureAwait(false);

    public async Task<JsonElement> ClusterAsync(CancellationToken ct) => (JsonElement)await Get("eks:cluster", async () => (object)await Source.DescribeClusterAsync(ct).ConfigureAwait(false)).ConfigureAwait(false);

    public async Task<IReadOnlyList<JsonElement>> AddonsAsync(CancellationToken ct) => (IReadOnlyList<JsonElement>)await Get("eks:addons", async () => (object)await Source.DescribeAddonsAsync(ct).ConfigureAwait(false)).ConfigureAwait(false);

    public async Task<IReadOnlyList<JsonElement>> NodegroupsAsync(CancellationToken ct) => (IReadOnlyList<JsonElement>)await Get("eks:nodegroups", async () => (object)await Source.DescribeNodegroupsAsync(ct).ConfigureAwait(false)).ConfigureAwait(false);

    public async Task<IReadOnlyList<JsonElement>> FargateProfilesAsync(CancellationToken ct) => (IReadOnlyList<JsonElement>)await Get("eks:fargate", async () => (object)await Source.DescribeFargateProfilesAsync(ct).ConfigureAwait(false)).ConfigureAwait(false);

    public async Task<IReadOnlyList<JsonElement>> PodIdentityAssociationsAsync(CancellationToken ct) => (IReadOnlyList<JsonElement>)await Get("eks:podidentity", async () => (object)await Source.ListPodIdentityAssociationsAsync(ct).ConfigureAwait(false)).ConfigureAwait(false);

    public async Task<IReadOnlyList<JsonElement>> InsightsAsync(CancellationToken ct) => (IReadOnlyList<JsonElement>)await Get("eks:insights", async () => (object)await Source.ListInsightsAsync(ct).ConfigureAwait(false)).ConfigureAwait(false);

    public async Task<LaunchTemplateFacts> LaunchTemplateAsync(string idOrName, string? version, CancellationToken ct) =>
        (LaunchTemplateFacts)await Get($"ec2:lt:{idOrName}@{version}", async () => (object)await Source.DescribeLaunchTemplateVersionAsync(idOrName, version, ct).ConfigureAwait(false)).ConfigureAwait(false);

    /// <summary>The AMI, or null when EC2 does not know it.</summary>
    public async Task<AmiFacts?> ImageAsync(string imageId, CancellationToken ct) =>
        (await Get($"ec2:ami:{imageId}", async () => (object)new Box<AmiFacts?>(await Source.DescribeImageAsync(imageId, ct).ConfigureAwait(false))).ConfigureAwait(false) as Box<AmiFacts?>)!.Value;

    public async Task<IReadOnlyList<SubnetFacts>> SubnetsAsync(string vpcId, CancellationToken ct) =>
        (IReadOnlyList<SubnetFacts>)await Get($"ec2:subnets:{vpcId}", async () => (object)await Source.DescribeSubnetsAsync(vpcId, ct).ConfigureAwait(false)).ConfigureAwait(false);

    private sealed record Box<T>(T Value);

    /// <summary>The cluster's current Kubernetes version: EKS DescribeCluster when a cluster name is known, else the API server's /version.</summary>
    public async Task<(KubernetesMinor Version, string Text, string From)> CurrentVersionAsync(CancellationToken ct)
    {
        if (Source.ClusterName is not null)
        {
            try
            {
                JsonElement cluster = await ClusterAsync(ct).ConfigureAwait(false);
                if (cluster.Str("version") is { } v && KubernetesMinor.Parse(v) is { } parsed)
                {
                    return (parsed, v, "EKS DescribeCluster");
                }
            }
            catch (EngineException)
            {
                // fall back to the API server
            }
        }

        string git = await ServerVersionAsync(ct).ConfigureAwait(false);
        return KubernetesMinor.Parse(git) is { } minor
            ? (minor, git, "Kubernetes /version")
            : throw new EngineException("KubernetesVersionUnknown", ErrorKind.InvalidResult, $"The API server reported version '{git}', which is not major.minor.", git);
    }

    /// <summary>Deployed Helm 3 releases (latest deployed revision per release), from secrets labelled owner=helm.</summary>
    public async Task<IReadOnlyList<HelmRelease>> HelmReleasesAsync(CancellationToken ct) =>
        (IReadOnlyList<HelmRelease>)await Get("helm", async () =>
        {
            IReadOnlyList<JsonElement> secrets = await ListAsync(KubernetesResourceType.Secrets, ct, "owner=helm").ConfigureAwait(false);
            var releases = new List<HelmRelease>();
            foreach (JsonElement secret in secrets)
            {
                if (secret.Str("type") is { } type && type != "helm.sh/release.v1")
                {
                    continue;
                }

                HelmRelease? r = DecodeHelmRelease(secret);
                if (r is not null && r.Status == "deployed")
                {
                    releases.Add(r);
                }
            }

            return (object)releases.GroupBy(r => (r.Namespace, r.Name)).Select(g => g.OrderByDescending(r => r.Revision).First()).ToArray();
        }).ConfigureAwait(false);

    /// <summary>Decodes a Helm 3 release secret (data.release = base64 of Helm's base64(gzip(JSON)); tolerant of one base64 layer less). Null when unreadable.</summary>
    public static HelmRelease? DecodeHelmRelease(JsonElement secret)
    {
        string? data = secret.Str("data", "release");
        if (data is null)
        {
            return null;
        }

        try
        {
            byte[] bytes = Convert.FromBase64String(data);
            if (!(bytes.Length > 2 && bytes[0] == 0x1f && bytes[1] == 0x8b))
            {
                bytes = Convert.FromBase64String(Encoding.ASCII.GetString(bytes));
            }

            string json;
            if (bytes.Length > 2 && bytes[0] == 0x1f && bytes[1] == 0x8b)
            {
                using var gz = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
                using var reader = new StreamReader(gz, Encoding.UTF8);
                json = reader.ReadToEnd();
            }
            else
            {
                json = Encoding.UTF8.GetString(bytes);
            }

            using JsonDocument doc = JsonDocument.Parse(json);
            JsonElement root = doc.RootElement;
            var labels = secret.Map("metadata", "labels");
            return new HelmRelease(
                root.Str("name") ?? labels.GetValueOrDefault("name") ?? "",
                secret.Str("metadata", "namespace") ?? root.Str("namespace") ?? "",
                root.Str("chart", "metadata", "name") ?? "",
                root.Str("chart", "metadata", "version") ?? "",
                root.Str("chart", "metadata", "appVersion"),
                root.Int("version") ?? (int.TryParse(labels.GetValueOrDefault("version"), out int v) ? v : 0),
                root.Str("info", "status") ?? labels.GetValueOrDefault("status") ?? "");
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or JsonException or IOException)
        {
            return null;
        }
    }

    private Task<object> Get(string key, Func<Task<object>> load) =>
        _cache.GetOrAdd(key, _ => new Lazy<Task<object>>(load, LazyThreadSafetyMode.ExecutionAndPublication)).Value;
}
