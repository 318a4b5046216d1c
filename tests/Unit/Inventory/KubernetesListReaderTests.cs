using System.Text.Json;
using EksAutoMode.Engine.Aws;
using EksAutoMode.Engine.Inventory;
using EksAutoMode.Engine.Kubernetes;
using EksAutoMode.Engine.Pricing;
using EksAutoMode.Tests.Unit.Aws;
using Xunit;

namespace EksAutoMode.Tests.Unit.Inventory;

/// <summary>The automode scenario with 1,200 generated nodes (three node pages of 500), one sandbox for the class.</summary>
public sealed class GeneratedSandbox : IDisposable
{
    private readonly Lazy<SandboxProcess> _process = new(() => new SandboxProcess(tls: false, scenario: "automode", generateNodes: 1200));
    public SandboxProcess Process => _process.Value;
    public void Dispose() { if (_process.IsValueCreated) _process.Value.Dispose(); }
}

public class KubernetesListReaderTests : IClassFixture<GeneratedSandbox>
{
    private readonly GeneratedSandbox _sandbox;

    public KubernetesListReaderTests(GeneratedSandbox sandbox) => _sandbox = sandbox;

    private async Task<(AwsSession Session, KubernetesConnection Connection)> ConnectAsync(AwsHome home)
    {
        AwsSession session = await SandboxSessions.CreateAsync(_sandbox.Process, home, "AKIASANDBOXADMIN");
        return (session, await KubernetesConnection.ForEksClusterAsync(session, "automode-eks"));
    }

    private static async Task<List<string>> NamesAsync(KubernetesListReader reader, KubernetesResourceType type, int pageSize = 500)
    {
        var names = new List<string>();
        await foreach (KubernetesListPage page in reader.ListAsync(type, new KubernetesListOptions { PageSize = pageSize }))
        {
            names.AddRange(page.Items.Select(i => i.GetProperty("metadata").GetProperty("name").GetString()!));
        }

        return names;
    }

    [SandboxFact]
    public async Task Lists_in_pages_and_survives_throttling_5xx_and_truncated_bodies()
    {
        using var home = new AwsHome();
        var (_, connection) = await ConnectAsync(home);
        using (connection)
        {
            await _sandbox.Process.SetFaultsAsync("");
            var clean = new KubernetesListReader(connection);
            List<string> expected = await NamesAsync(clean, KubernetesResourceType.Nodes);
            Assert.Equal(1208, expected.Count);
            Assert.Equal(3, clean.RequestCount);

            await _sandbox.Process.SetFaultsAsync("k8s:list:nodes=throttle@0.2;k8s:list:nodes=503@0.2;k8s:list:nodes=truncate@0.2");
            var retrying = new KubernetesListReader(connection) { BaseDelay = TimeSpan.FromMilliseconds(5) };
            Assert.Equal(expected, await NamesAsync(retrying, KubernetesResourceType.Nodes));
            await _sandbox.Process.SetFaultsAsync("");
        }
    }

    [SandboxFact]
    public async Task Streamed_pods_survive_truncated_bodies_mid_page_without_losing_or_repeating_one()
    {
        using var home = new AwsHome();
        var (_, connection) = await ConnectAsync(home);
        using (connection)
        {
            await _sandbox.Process.SetFaultsAsync("");
            var options = new KubernetesListOptions { PageSize = 5000 };
            var clean = new KubernetesListReader(connection);
            var expected = new List<string>();
            var pages = new List<KubernetesListProgress>();
            await foreach (JsonElement pod in clean.ListItemsAsync(KubernetesResourceType.Pods, options, pages.Add))
            {
                expected.Add(pod.GetProperty("metadata").GetProperty("namespace").GetString() + "/" + pod.GetProperty("metadata").GetProperty("name").GetString());
            }

            Assert.True(expected.Count > 10_000, $"{expected.Count} pods");
            Assert.Equal((expected.Count + 4999) / 5000, pages.Count);
            Assert.Equal(expected.Count, pages[^1].ItemsSoFar);
            Assert.Equal(pages.Count, clean.RequestCount);

            await _sandbox.Process.SetFaultsAsync("k8s:list:pods=truncate@0.3;k8s:list:pods=503@0.2");
            var traces = new List<string>();
            var retrying = new KubernetesListReader(connection) { BaseDelay = TimeSpan.FromMilliseconds(5), MaxAttempts = 12, Trace = traces.Add };
            var names = new List<string>();
            await foreach (JsonElement pod in retrying.ListItemsAsync(KubernetesResourceType.Pods, options))
            {
                names.Add(pod.GetProperty("metadata").GetProperty("namespace").GetString() + "/" + pod.GetProperty("metadata").GetProperty("name").GetString());
            }

            await _sandbox.Process.SetFaultsAsync("");
            Assert.Equal(expected, names);
            Assert.Contains(traces, t => t.Contains("retrying", StringComparison.Ordinal));
        }
    }

    [SandboxFact]
    public async Task An_expired_continue_token_restarts_the_list_without_duplicates()
    {
        using var home = new AwsHome();
        var (_, connection) = await ConnectAsync(home);
        using (connection)
        {
            await _sandbox.Process.SetFaultsAsync("");
            var traces = new List<string>();
            var reader = new KubernetesListReader(connection) { Trace = traces.Add };
            var names = new List<string>();
            using var admin = new HttpClient();
            await foreach (KubernetesListPage page in reader.ListAsync(KubernetesResourceType.Nodes, new KubernetesListOptions { PageSize = 500 }))
            {
                names.AddRange(page.Items.Select(i => i.GetProperty("metadata").GetProperty("name").GetString()!));
                if (page.Number == 1)
                {
                    (await admin.PostAsync(_sandbox.Process.AdminUrl + "/compact", null)).EnsureSuccessStatusCode();
                }
            }

            Assert.Equal(1208, names.Count);
            Assert.Equal(names.Count, names.Distinct().Count());
            Assert.Contains(traces, t => t.Contains("410", StringComparison.Ordinal));
        }
    }

    [SandboxFact]
    public async Task Bad_selectors_and_missing_CRDs_give_clear_results()
    {
        using var home = new AwsHome();
        var (_, connection) = await ConnectAsync(home);
        using (connection)
        {
            await _sandbox.Process.SetFaultsAsync("");
            var reader = new KubernetesListReader(connection);
            var missing = new KubernetesResourceType("example.com", "v1", "widgets", "Widget");
            Assert.Empty(await reader.ListAllAsync(missing, new KubernetesListOptions { NotFoundIsEmpty = true }));
            var ex = await Assert.ThrowsAsync<Engine.EngineException>(() => reader.ListAllAsync(missing));
            Assert.Equal("KubernetesResourceNotServed", ex.ErrorId);
        }
    }

    [SandboxFact]
    public async Task Node_inventory_stays_within_the_API_call_bound_and_prices_the_fee_for_Auto_Mode_only()
    {
        using var home = new AwsHome();
        var (session, connection) = await ConnectAsync(home);
        using (connection)
        {
            await _sandbox.Process.SetFaultsAsync("");
            var reader = new KubernetesListReader(connection);
            using var ec2 = new Ec2FactsReader(session, "automode-eks");
            var inventory = new NodeInventoryReader(reader, ec2, PriceCatalogue.EmbeddedOnly);
            var nodes = new List<NodeInfo>();
            await foreach (NodeInfo n in inventory.ReadAsync(new NodeInventoryOptions { ClusterName = "automode-eks", Region = "us-west-2" }))
            {
                nodes.Add(n);
            }

            Assert.Equal(1208, nodes.Count);
            Assert.All(nodes, n => Assert.Equal(ComputeType.AutoMode, n.ComputeType));
            Assert.All(nodes, n => Assert.True(n.FeeApplies));
            Assert.All(nodes.Where(n => n.CapacityType == NodeCapacityType.Spot), n => Assert.Equal(NodePriceSource.SpotPriceHistory, n.PriceSource));
            long n500 = (nodes.Count + 499) / 500, n1000 = (nodes.Count + 999) / 1000;
            long calls = reader.RequestCount + ec2.CallCount + 1; // + DescribeCluster
            Assert.True(calls <= n500 * 3 + n1000 + 10, $"{calls} API calls for {nodes.Count} nodes");
            Assert.Equal(n1000, await _sandbox.Process.RequestCountAsync("DescribeInstances"));
        }
    }
}
