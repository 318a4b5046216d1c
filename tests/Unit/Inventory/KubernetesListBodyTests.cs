using System.Text;
using System.Text.Json;
using EksAutoMode.Engine.Kubernetes;
using Xunit;

namespace EksAutoMode.Tests.Unit.Inventory;

/// <summary>The streaming list parser: items come out one by one whatever the chunking of the body.</summary>
public class KubernetesListBodyTests
{
    /// <summary>A stream that hands out at most <c>chunk</c> bytes per read (how a slow network delivers a page).</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(chunk, buffer.Length)], cancellationToken);
    }

    private static string BigPod(int i) =>
        "{\"metadata\":{\"name\":\"p" + i + "\",\"uid\":\"u" + i + "\",\"annotations\":{\"big\":\"" + new string('x', 70_000 * (i % 2))
        + "\"}},\"spec\":{\"nodeName\":\"n" + (i % 3) + "\",\"containers\":[{\"resources\":{\"requests\":{\"cpu\":\"" + i + "m\"}}}]},\"status\":{\"phase\":\"Running\"}}";

    private static async Task<(List<string> Names, string? Continue, long? Remaining)> ReadAllAsync(string json, int chunk)
    {
        using var body = new KubernetesListBody(new TrickleStream(Encoding.UTF8.GetBytes(json), chunk), TimeSpan.FromSeconds(5));
        var names = new List<string>();
        while (await body.NextAsync(CancellationToken.None) is { } item)
        {
            names.Add(item.RootElement.GetProperty("metadata").GetProperty("name").GetString()!);
        }

        return (names, body.Continue, body.RemainingItemCount);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    [InlineData(1 << 20)]
    public async Task Items_metadata_and_continue_are_read_whatever_the_chunking(int chunk)
    {
        string items = string.Join(",", Enumerable.Range(0, 6).Select(BigPod));
        string json = $$$"""{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"9","continue":"tok","remainingItemCount":12},"items":[{{{items}}}]}""";
        var (names, cont, remaining) = await ReadAllAsync(json, chunk);
        Assert.Equal(Enumerable.Range(0, 6).Select(i => $"p{i}"), names);
        Assert.Equal("tok", cont);
        Assert.Equal(12, remaining);
    }

    [Fact]
    public async Task Metadata_after_the_items_and_an_empty_list_are_read()
    {
        var (names, cont, _) = await ReadAllAsync("""{"items":[{"metadata":{"name":"a"}}],"kind":"NodeList","metadata":{"continue":"next"}}""", 3);
        Assert.Equal(["a"], names);
        Assert.Equal("next", cont);
        var (none, last, _) = await ReadAllAsync("""{"kind":"NodeList","metadata":{"resourceVersion":"1"},"items":[]}""", 5);
        Assert.Empty(none);
        Assert.Null(last);
    }

    [Theory]
    [InlineData("""{"kind":"PodList","items":[{"metadata":{"name":"a"}},{"metadata":{"na""")]
    [InlineData("""{"kind":"PodList","items":[{"metadata":{"name":"a"}}]""")]
    [InlineData("""[{"metadata":{"name":"a"}}]""")]
    [InlineData("")]
    public async Task A_body_that_breaks_off_or_is_not_a_list_is_an_error_not_a_short_list(string json)
    {
        await Assert.ThrowsAnyAsync<JsonException>(() => ReadAllAsync(json, 16));
    }
}
