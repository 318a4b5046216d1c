namespace EksAutoMode.Engine.Aws;

/// <summary>
/// A resolved set of AWS credentials. <see cref="ToString"/> never prints the secret or the session token;
/// only the first four characters of the access key id are ever shown.
/// </summary>
public sealed class AwsCredentials
{
    public AwsCredentials(string accessKeyId, string secretAccessKey, string? sessionToken = null, DateTimeOffset? expiration = null)
    {
        if (string.IsNullOrWhiteSpace(accessKeyId))
        {
            throw new ArgumentException("The access key id is empty.", nameof(accessKeyId));
        }

        if (string.IsNullOrWhiteSpace(secretAccessKey))
        {
            throw new ArgumentException("The secret access key is empty.", nameof(secretAccessKey));
        }

        AccessKeyId = accessKeyId.Trim();
        SecretAccessKey = secretAccessKey.Trim();
        SessionToken = string.IsNullOrWhiteSpace(sessionToken) ? null : sessionToken.Trim();
        Expiration = expiration;

        // Whatever the source (parameters, -Credential, profile, environment, SSO, STS, IMDS), the secret parts
        // are masked wherever they might later appear.
        Redaction.Register(SecretAccessKey);
        Redaction.Register(SessionToken);
    }

    public string AccessKeyId { get; }
    public string SecretAccessKey { get; }
    public string? SessionToken { get; }

    /// <summary>When temporary credentials stop working; null for long-term keys.</summary>
    public DateTimeOffset? Expiration { get; }

    /// <summary>A redacted form safe for logs: "AKIA…(4 of 20 chars)".</summary>
    public string RedactedAccessKeyId => AccessKeyId.Length <= 4 ? "****" : AccessKeyId[..4] + "****";

    public override string ToString() => $"AwsCredentials({RedactedAccessKeyId}{(SessionToken is null ? string.Empty : ", session")})";
}
