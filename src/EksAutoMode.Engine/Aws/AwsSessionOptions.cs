namespace EksAutoMode.Engine.Aws;

/// <summary>
/// Inputs to credential and region resolution, one property per AWS.Tools common parameter plus the shell
/// state the cmdlet layer reads ($StoredAWSCredentials through Get-AWSCredential, $StoredAWSRegion).
/// Resolution order: see <see cref="AwsSession.CreateAsync"/> and docs/about_EksAutoMode_Credentials.md.
/// </summary>
public sealed class AwsSessionOptions
{
    public string? AccessKey { get; set; }
    public string? SecretKey { get; set; }
    public string? SessionToken { get; set; }
    public string? ProfileName { get; set; }

    /// <summary>A shared credentials file to use instead of ~/.aws/credentials (AWS.Tools -ProfileLocation).</summary>
    public string? ProfileLocation { get; set; }

    /// <summary>Credentials taken from -Credential (an AWS.Tools AWSCredentials object, read by the cmdlet layer).</summary>
    public AwsCredentials? Credential { get; set; }

    /// <summary>Shell credentials from Set-AWSCredential, read through Get-AWSCredential by the cmdlet layer.</summary>
    public AwsCredentials? ShellCredential { get; set; }

    /// <summary>-Region (a system name such as eu-west-1).</summary>
    public string? Region { get; set; }

    /// <summary>$StoredAWSRegion (Set-DefaultAWSRegion).</summary>
    public string? StoredRegion { get; set; }

    /// <summary>-EndpointUrl: every service (EKS, STS, IAM, Pricing, EC2, SSO) is called here instead of its AWS endpoint.</summary>
    public string? EndpointUrl { get; set; }

    public AwsRetryPolicy RetryPolicy { get; set; } = AwsRetryPolicy.Default;

    /// <summary>Environment variables to use instead of the process environment (tests, isolated runspaces).</summary>
    public IReadOnlyDictionary<string, string?>? Environment { get; set; }

    /// <summary>Home directory holding .aws/ (default: HOME / USERPROFILE).</summary>
    public string? HomeDirectory { get; set; }

    /// <summary>Receives diagnostic lines (never secrets). Called from any thread.</summary>
    public Action<string>? Trace { get; set; }

    /// <summary>The CA bundle in effect (AWS_CA_BUNDLE or the profile's ca_bundle), set during resolution.</summary>
    internal string? CaBundle { get; set; }

    /// <summary>Replaces the network for every HTTP call (tests).</summary>
    internal HttpMessageHandler? Handler { get; set; }

    internal TimeProvider Time { get; set; } = TimeProvider.System;

    internal string? Env(string name)
    {
        string? value = Environment is not null
            ? (Environment.TryGetValue(name, out string? v) ? v : null)
            : System.Environment.GetEnvironmentVariable(name);
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    internal string Home => HomeDirectory ?? Env("HOME") ?? Env("USERPROFILE") ?? System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile);

    internal string ExpandHome(string path) =>
        path.StartsWith("~/", StringComparison.Ordinal) || path.StartsWith("~\\", StringComparison.Ordinal) || path == "~"
            ? Path.Combine(Home, path.Length > 2 ? path[2..] : string.Empty)
            : path;
}
