using System.Collections;
using System.Management.Automation;

namespace EksAutoMode.Infrastructure;

/// <summary>
/// Lets -ClusterName take cluster objects as well as names: an object with a ClusterName or Name property
/// (AWS.Tools' Amazon.EKS.Model.Cluster from Get-EKSCluster, EksAutoMode.AutoModeCluster, a CSV row) becomes that
/// name. Strings pass through; so the same parameter binds Get-EKSClusterList's strings by value and cluster objects
/// whose name property PowerShell could not otherwise bind (a node -Name filter exists beside it).
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ClusterNameTransformationAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        object? value = inputData is PSObject ps ? ps.BaseObject : inputData;
        if (value is null or string)
        {
            return inputData;
        }

        if (value is IEnumerable items and not IDictionary)
        {
            var names = new List<object?>();
            foreach (object? item in items)
            {
                names.Add(NameOf(item));
            }

            return names.ToArray();
        }

        return NameOf(inputData);
    }

    private static object? NameOf(object? item)
    {
        object? value = item is PSObject ps ? ps.BaseObject : item;
        if (value is null or string or ValueType)
        {
            return item;
        }

        PSObject wrapped = PSObject.AsPSObject(item);
        foreach (string property in new[] { "ClusterName", "Name" })
        {
            if (wrapped.Properties[property]?.Value is { } name && name.ToString() is { Length: > 0 } text)
            {
                return text;
            }
        }

        return item;
    }
}
