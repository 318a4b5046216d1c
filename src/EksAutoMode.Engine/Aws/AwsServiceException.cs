namespace EksAutoMode.Engine.Aws;

/// <summary>
/// A failed AWS call. <see cref="EngineException.ErrorId"/> is the AWS error code (for example
/// <c>AccessDeniedException</c>, <c>ResourceNotFoundException</c>); the message names the service, the
/// operation and the code, and for access-denied errors the IAM action that is needed.
/// </summary>
public sealed class AwsServiceException : EngineException
{
    public AwsServiceException(string service, string operation, string errorCode, int statusCode, string? awsMessage, string? requestId,
        string? iamAction, ErrorKind kind, object? target, Exception? inner = null)
        : base(SafeId(errorCode), kind, BuildMessage(service, operation, errorCode, statusCode, awsMessage, iamAction), target, inner)
    {
        Service = service;
        Operation = operation;
        ErrorCode = errorCode;
        StatusCode = statusCode;
        AwsMessage = awsMessage;
        RequestId = requestId;
        IamAction = iamAction;
        if (iamAction is not null)
        {
            RecommendedAction = $"Allow the IAM action '{iamAction}' for the identity in use (see 'Credentials obtained from' with -Debug), or use credentials that have it.";
        }
    }

    public string Service { get; }
    public string Operation { get; }
    public string ErrorCode { get; }

    /// <summary>HTTP status, or 0 when no response arrived (timeout, connection failure).</summary>
    public int StatusCode { get; }
    public string? AwsMessage { get; }
    public string? RequestId { get; }

    /// <summary>For access-denied errors: the IAM action to allow, e.g. <c>eks:DescribeCluster</c>.</summary>
    public string? IamAction { get; }

    /// <summary>True for throttling, 5xx, timeouts and connection failures.</summary>
    public bool IsRetryable { get; init; }

    private static string BuildMessage(string service, string operation, string code, int status, string? message, string? iamAction)
    {
        string text = $"{service} {operation} failed: {code}";
        if (status > 0)
        {
            text += $" (HTTP {status})";
        }

        if (!string.IsNullOrWhiteSpace(message))
        {
            text += ": " + message.Trim();
        }

        if (iamAction is not null)
        {
            text += $" The caller needs IAM permission '{iamAction}'.";
        }

        return text;
    }

    private static string SafeId(string code)
    {
        var chars = code.Where(char.IsLetterOrDigit).ToArray();
        return chars.Length == 0 ? "AwsServiceError" : new string(chars);
    }
}
