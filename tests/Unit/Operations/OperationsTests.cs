using System.Text.Json;
using EksAutoMode.Engine;
using EksAutoMode.Engine.Operations;
using Xunit;

namespace EksAutoMode.Tests.Unit.Operations;

public class OperationsTests
{
    private static JsonElement J(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [Fact]
    public void Suspension_record_keeps_the_limits_text_exactly()
    {
        var pool = J("""{"metadata":{"name":"p","annotations":{"eksautomode.io/suspended":"{\"limits\":\"{\\\"memory\\\":\\\"256Gi\\\",\\\"cpu\\\":\\\"64\\\"}\",\"replicas\":\"3\",\"suspendedAt\":\"2026-12-04T20:00:00Z\"}"}}}""");
        var r = NodePoolSuspension.ReadRecord(pool)!;
        Assert.Equal("{\"memory\":\"256Gi\",\"cpu\":\"64\"}", r.Limits);
        Assert.Equal("3", r.Replicas);
        Assert.Equal(new DateTimeOffset(2026, 12, 4, 20, 0, 0, TimeSpan.Zero), r.SuspendedAt);
    }

    [Fact]
    public void A_pool_without_the_annotation_is_not_suspended_and_a_damaged_record_is_an_error()
    {
        Assert.Null(NodePoolSuspension.ReadRecord(J("""{"metadata":{"name":"p"}}""")));
        var ex = Assert.Throws<EngineException>(() => NodePoolSuspension.ReadRecord(J("""{"metadata":{"name":"p","annotations":{"eksautomode.io/suspended":"not json"}}}""")));
        Assert.Equal("SuspensionRecordInvalid", ex.ErrorId);
    }

    [Theory]
    [InlineData("""{"matchLabels":{"app":"web"}}""", true)]
    [InlineData("""{"matchLabels":{"app":"cart"}}""", false)]
    [InlineData("""{"matchExpressions":[{"key":"tier","operator":"In","values":["front","back"]}]}""", true)]
    [InlineData("""{"matchExpressions":[{"key":"tier","operator":"NotIn","values":["front"]}]}""", false)]
    [InlineData("""{"matchExpressions":[{"key":"zone","operator":"DoesNotExist"}]}""", true)]
    [InlineData("""{"matchExpressions":[{"key":"zone","operator":"Exists"}]}""", false)]
    [InlineData("""{}""", true)]
    public void Pdb_selectors_match_like_the_api_server(string selector, bool matches)
    {
        var pdb = J("{\"spec\":{\"selector\":" + selector + "}}");
        var pod = J("""{"metadata":{"labels":{"app":"web","tier":"front"}}}""");
        Assert.Equal(matches, ClusterState.SelectorMatches(pdb, pod));
    }

    [Fact]
    public void Daemonset_and_finished_pods_are_not_drained()
    {
        Assert.False(ClusterState.Drainable(J("""{"metadata":{"ownerReferences":[{"kind":"DaemonSet","name":"x"}]},"status":{"phase":"Running"}}""")));
        Assert.False(ClusterState.Drainable(J("""{"metadata":{},"status":{"phase":"Succeeded"}}""")));
        Assert.True(ClusterState.Drainable(J("""{"metadata":{"ownerReferences":[{"kind":"ReplicaSet","name":"x"}]},"status":{"phase":"Running"}}""")));
    }

    [Theory]
    [InlineData(null, null, 1, 10)]
    [InlineData(1, 1, 1, 10)]
    [InlineData(1, null, 0, 10)]
    [InlineData(1, null, 1, 0)]
    public void Rotation_parameters_are_checked(int? olderHours, int? expiringHours, int maxUnavailable, int timeoutSeconds)
    {
        var ex = Assert.Throws<EngineException>(() => NodeRotation.Validate(olderHours is { } o ? TimeSpan.FromHours(o) : null,
            expiringHours is { } e ? TimeSpan.FromHours(e) : null, maxUnavailable, TimeSpan.FromSeconds(timeoutSeconds)));
        Assert.Equal(ErrorKind.InvalidArgument, ex.Kind);
    }
}
