namespace EksAutoMode.Engine;

/// <summary>
/// What kind of failure an engine error is. The names match System.Management.Automation.ErrorCategory
/// one to one, so the cmdlet layer maps them by name without the engine referencing PowerShell.
/// </summary>
public enum ErrorKind
{
    NotSpecified,
    InvalidArgument,
    InvalidData,
    InvalidOperation,
    InvalidResult,
    ObjectNotFound,
    ParserError,
    PermissionDenied,
    AuthenticationError,
    SecurityError,
    ConnectionError,
    OperationTimeout,
    OperationStopped,
    ResourceUnavailable,
    LimitsExceeded,
    ReadError,
    WriteError,
    ResourceExists,
    NotImplemented,
}

/// <summary>
/// An expected failure the user can act on. <see cref="ErrorId"/> is stable (tests and scripts match it);
/// <see cref="Target"/> is the failing item (file, document, cluster, instance type). Messages must never
/// contain secrets.
/// </summary>
public class EngineException : Exception
{
    public EngineException(string errorId, ErrorKind kind, string message, object? target = null, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Kind = kind;
        Target = target;
    }

    public string ErrorId { get; }
    public ErrorKind Kind { get; }
    public object? Target { get; }

    /// <summary>Optional advice shown as the ErrorRecord's RecommendedAction.</summary>
    public string? RecommendedAction { get; init; }
}
