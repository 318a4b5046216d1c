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
        : this(service, operation, errorCode, statusCode, awsMessage, requestId, iamAction, kind, target, inner,
            BuildMessage(service, operation, errorCode, statusCode, awsMessage, iamAction))
    {
        if (iamAction is not null)
        {
            RecommendedAction = $"Allow the IAM action '{iamAction}' for the identity in use (see 'Credentials obtained from' with -Debug), or use credentials that have it.";
        }
    }

    private AwsServiceException(string service, string operation, string errorCode, int statusCode, string? awsMessage, string? requestId,
        string? iamAction, ErrorKind kind, object? target, Exception? inner, string message)
        : base(SafeId(errorCode), kind, message, target, inner)
    {
        Service = service;
        Operation = operation;
        ErrorCode = errorCode;
        StatusCode = statusCode;
        AwsMessage = awsMessage;
        RequestId = requestId;
        IamAction = iamAction;
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

    /// <summary>
    /// A response we cannot use (wrong JSON/XML shape, truncated, not JSON at all, too large):
    /// ErrorId AwsResponseInvalid, message "EKS DescribeCluster returned …".
    /// </summary>
    public static AwsServiceException InvalidResponse(string service, string operation, string problem, object? target, Exception? inner = null,
        bool retryable = false, int statusCode = 200) =>
        new(service, operation, InvalidResponseCode, statusCode, problem, null, null, ErrorKind.InvalidResult, target, inner, $"{service} {operation} returned {problem}")
        {
            IsRetryable = retryable,
            RecommendedAction = "The endpoint answered with something that is not what the AWS API returns. If -EndpointUrl or a proxy is in use, check that it "
                + "forwards to the real service; otherwise run again (the response may have been cut off) and report it if it persists.",
        };

    /// <summary>The error code (and ErrorId) of <see cref="InvalidResponse"/>.</summary>
    public const string InvalidResponseCode = "AwsResponseInvalid";

    /// <summary>
    /// Runs <paramref name="read"/> over a response and turns the exceptions a response of the wrong shape causes
    /// (missing property, wrong value kind, bad number or date, invalid embedded JSON) into <see cref="InvalidResponse"/>.
    /// </summary>
    public static T ReadResponse<T>(string service, string operation, object? target, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception ex) when (IsShapeFailure(ex))
        {
            throw InvalidResponse(service, operation, $"a response in a shape we did not expect ({ShapeProblem(ex)})", target, ex);
        }
    }

    /// <summary>The asynchronous form of <see cref="ReadResponse{T}"/>, for readers that call and parse page by page.</summary>
    public static async Task<T> ReadResponseAsync<T>(string service, string operation, object? target, Func<Task<T>> read)
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (Exception ex) when (IsShapeFailure(ex))
        {
            throw InvalidResponse(service, operation, $"a response in a shape we did not expect ({ShapeProblem(ex)})", target, ex);
        }
    }

    private static bool IsShapeFailure(Exception ex) => ex is KeyNotFoundException or InvalidOperationException or FormatException or System.Text.Json.JsonException
        or ArgumentException or OverflowException or IndexOutOfRangeException or System.Xml.XmlException;

    private static string ShapeProblem(Exception ex) => ex switch
    {
        KeyNotFoundException => "a required field is missing",
        InvalidOperationException => "a field has the wrong type",
        _ => ex.Message.Length > 200 ? ex.Message[..200] + "…" : ex.Message,
    };

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
