namespace EksAutoMode.Engine.Aws;

/// <summary>
/// How to reach and sign for one AWS service. <see cref="DisplayName"/> is what error messages say
/// ("EKS DescribeCluster failed …"); <see cref="SigningName"/> is the SigV4 service name and the IAM action
/// prefix; <see cref="EndpointPrefix"/> builds <c>https://{prefix}.{region}.{dnsSuffix}</c>.
/// </summary>
public sealed record AwsService(string DisplayName, string SigningName, string EndpointPrefix, bool IsGlobal = false)
{
    public static readonly AwsService Eks = new("EKS", "eks", "eks");
    public static readonly AwsService Pricing = new("Pricing", "pricing", "api.pricing");
    public static readonly AwsService Iam = new("IAM", "iam", "iam", IsGlobal: true);
    public static readonly AwsService Sts = new("STS", "sts", "sts");
    public static readonly AwsService Ec2 = new("EC2", "ec2", "ec2");
    public static readonly AwsService Sso = new("SSO", "awsssoportal", "portal.sso");

    /// <summary>Every service the module calls.</summary>
    public static IReadOnlyList<AwsService> All { get; } = new[] { Eks, Pricing, Iam, Sts, Ec2, Sso };

    /// <summary>
    /// The SDKs' service identifier in AWS_ENDPOINT_URL_&lt;ID&gt; (EKS, PRICING, IAM, STS, EC2, SSO): the service id
    /// upper-cased with spaces as underscores (https://docs.aws.amazon.com/sdkref/latest/guide/ss-endpoints-table.html).
    /// </summary>
    public string EndpointId => DisplayName.ToUpperInvariant().Replace(' ', '_');

    /// <summary>The prefix of this service's IAM actions (eks, pricing, iam, sts, ec2, sso).</summary>
    public string IamPrefix => SigningName == "awsssoportal" ? "sso" : SigningName;

    /// <summary>The partition DNS suffix for a region.</summary>
    public static string DnsSuffix(string region) =>
        region.StartsWith("cn-", StringComparison.Ordinal) ? "amazonaws.com.cn" : "amazonaws.com";

    /// <summary>The region a global service signs with (IAM: us-east-1, aws-cn: cn-north-1, GovCloud: us-gov-west-1).</summary>
    public string SigningRegion(string region)
    {
        if (!IsGlobal)
        {
            return region;
        }

        return region.StartsWith("cn-", StringComparison.Ordinal) ? "cn-north-1"
            : region.StartsWith("us-gov-", StringComparison.Ordinal) ? "us-gov-west-1"
            : "us-east-1";
    }

    /// <summary>The endpoint for this service in <paramref name="region"/>, or <paramref name="endpointOverride"/> for every service when set.</summary>
    public Uri Endpoint(string region, Uri? endpointOverride)
    {
        if (endpointOverride is not null)
        {
            return endpointOverride;
        }

        if (IsGlobal)
        {
            return region.StartsWith("cn-", StringComparison.Ordinal) ? new Uri($"https://{EndpointPrefix}.cn-north-1.amazonaws.com.cn/")
                : region.StartsWith("us-gov-", StringComparison.Ordinal) ? new Uri($"https://{EndpointPrefix}.us-gov.amazonaws.com/")
                : new Uri($"https://{EndpointPrefix}.amazonaws.com/");
        }

        return new Uri($"https://{EndpointPrefix}.{region}.{DnsSuffix(region)}/");
    }
}
