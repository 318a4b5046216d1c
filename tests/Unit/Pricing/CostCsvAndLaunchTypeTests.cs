using EksAutoMode.Engine;
using EksAutoMode.Engine.Pricing;

namespace EksAutoMode.Tests.Unit.Pricing;

public sealed class CostCsvAndLaunchTypeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("eam-csv-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ExportCsvStyle_IsRead_AndABadRowDoesNotStopTheOthers()
    {
        string path = Path.Combine(_dir, "fleet.csv");
        File.WriteAllText(path,
            "#TYPE System.Management.Automation.PSCustomObject\n" +
            "\"InstanceType\",\"Count\",\"AvailabilityZone\",\"InstanceLifecycle\",\"LaunchType\",\"NodePool\",\"Unrelated\"\n" +
            "\"c6g.large\",\"2\",\"ap-northeast-1a\",\"\",\"AutoModeBuiltIn\",\"system\",\"x, y\"\n" +
            "\"m5.large\",\"-3\",\"us-east-1a\",\"spot\",\"\",\"\",\"\"\n" +
            "\"m5.large\",\"1\",\"us-east-1a\",\"spot\",\"managed-node-group\",\"\",\"\"\r\n");

        var rows = CostCsvReader.Read(path, CancellationToken.None).ToList();
        Assert.Equal(3, rows.Count);
        CostInput first = rows[0].Input!;
        Assert.Equal("c6g.large", first.InstanceType);
        Assert.Equal(2, first.Count);
        Assert.Equal("ap-northeast-1a", first.AvailabilityZone);
        Assert.Equal(LaunchType.AutoModeBuiltIn, first.LaunchType);
        Assert.Equal("system", first.NodePool);
        Assert.Equal("InvalidCount", rows[1].Error!.ErrorId);
        Assert.Contains("fleet.csv row 2", rows[1].Error!.Message);
        Assert.Equal(CapacityType.Spot, rows[2].Input!.CapacityType);
        Assert.Equal(LaunchType.ManagedNodeGroup, rows[2].Input!.LaunchType);
    }

    [Fact]
    public void CsvWithoutInstanceTypeColumn_IsAClearError()
    {
        string path = Path.Combine(_dir, "bad.csv");
        File.WriteAllText(path, "Name,Count\nweb,2\n");
        var ex = Assert.Throws<EngineException>(() => CostCsvReader.Read(path, CancellationToken.None).ToList());
        Assert.Equal("CsvInstanceTypeColumnMissing", ex.ErrorId);
    }

    [Fact]
    public void IsAutoModeColumn_DecidesTheFee()
    {
        var input = CostCsvReader.FromFields(new Dictionary<string, string> { ["InstanceType"] = "m5.large", ["IsAutoMode"] = "False" }, "t");
        Assert.Equal(LaunchType.SelfManaged, input.LaunchType);
        input = CostCsvReader.FromFields(new Dictionary<string, string> { ["InstanceType"] = "m5.large", ["IsAutoMode"] = "true" }, "t");
        Assert.Equal(LaunchType.AutoMode, input.LaunchType);
    }

    [Theory]
    [InlineData("spot", CapacityType.Spot)]
    [InlineData("SPOT", CapacityType.Spot)]
    [InlineData("", CapacityType.OnDemand)]
    [InlineData(null, CapacityType.OnDemand)]
    [InlineData("on-demand", CapacityType.OnDemand)]
    [InlineData("ON_DEMAND", CapacityType.OnDemand)]
    [InlineData("capacity-block", CapacityType.OnDemand)]
    public void CapacityTypes_ParseFromTheSpellingsToolsUse(string? text, CapacityType expected) =>
        Assert.Equal(expected, CostInputParser.ParseCapacityType(text));

    [Fact]
    public void UnknownCapacityType_IsAnError() =>
        Assert.Equal("InvalidCapacityType", Assert.Throws<EngineException>(() => CostInputParser.ParseCapacityType("cheap")).ErrorId);

    [Fact]
    public void Ec2Instance_OperatorManaged_IsAutoMode_BuiltInOrCustomByPoolTag()
    {
        var builtIn = new Dictionary<string, string> { ["eks:eks-cluster-name"] = "c", ["eks:kubernetes-node-pool-name"] = "general-purpose" };
        Assert.Equal(LaunchType.AutoModeBuiltIn, CostInputParser.FromEc2(true, "eks.amazonaws.com", builtIn, out string? pool));
        Assert.Equal("general-purpose", pool);

        var custom = new Dictionary<string, string> { ["eks:kubernetes-node-pool-name"] = "gpu" };
        Assert.Equal(LaunchType.AutoModeCustom, CostInputParser.FromEc2(true, null, custom, out _));
        Assert.Equal(LaunchType.AutoMode, CostInputParser.FromEc2(true, "eks.amazonaws.com", null, out _));
        Assert.Equal(LaunchType.OtherManaged, CostInputParser.FromEc2(true, "ecs.amazonaws.com", null, out _));
    }

    [Fact]
    public void Ec2Instance_NotManaged_IsClassifiedByTags()
    {
        Assert.Equal(LaunchType.ManagedNodeGroup, CostInputParser.FromEc2(false, null, new Dictionary<string, string> { ["eks:nodegroup-name"] = "ng" }, out _));
        Assert.Equal(LaunchType.Karpenter, CostInputParser.FromEc2(false, null, new Dictionary<string, string> { ["karpenter.sh/nodepool"] = "default" }, out string? pool));
        Assert.Equal("default", pool);
        Assert.Equal(LaunchType.SelfManaged, CostInputParser.FromEc2(false, null, new Dictionary<string, string>(), out _));
        Assert.Null(CostInputParser.FromEc2(null, null, null, out _));
    }
}
