using System.Collections.Concurrent;
using System.Management.Automation;
using EksAutoMode.Completers;
using EksAutoMode.Engine;
using EksAutoMode.Engine.Aws;

namespace EksAutoMode.Infrastructure;

/// <summary>
/// Base of every cmdlet that calls AWS. Carries AWS.Tools' common parameters with the same names, aliases and
/// pipeline binding (so AWS.Tools' own -Region/-ProfileName completion applies), resolves credentials and
/// region in AWS.Tools' order (docs/about_EksAutoMode_Credentials.md), logs the sources with WriteDebug and
/// never writes a secret anywhere. Engine calls run through <see cref="RunAws{T}"/>, which pumps diagnostics
/// to the pipeline thread and stops promptly on Ctrl+C.
/// </summary>
public abstract class AwsCmdlet : EksAutoModeCmdlet
{
    private readonly ConcurrentQueue<(bool Verbose, string Text)> _messages = new();
    private AwsSession? _session;
    private string? _sessionKey;

    /// <summary>The AWS Region (system name such as eu-west-1, or an AWS.Tools AWSRegion / RegionEndpoint object).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("RegionToCall")]
    [ArgumentCompleter(typeof(RegionCompleter))]
    public object? Region { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("AK")]
    public string? AccessKey { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("SK", "SecretAccessKey")]
    public string? SecretKey { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("ST")]
    public string? SessionToken { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("StoredCredentials", "AWSProfileName")]
    [ArgumentCompleter(typeof(ProfileNameCompleter))]
    public string? ProfileName { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("AWSProfilesLocation", "ProfilesLocation")]
    public string? ProfileLocation { get; set; }

    /// <summary>An AWS.Tools AWSCredentials object (read by duck typing: GetCredentials()), or a PSCredential (user = access key, password = secret key).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public object? Credential { get; set; }

    /// <summary>Sends every AWS call (EKS, STS, IAM, Pricing, EC2, SSO) to this URL instead of the AWS endpoints.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? EndpointUrl { get; set; }

    /// <summary>
    /// Give-up time in seconds for each call to AWS (and the Kubernetes API), retries included. Without it a call
    /// gives up after 5 attempts of up to 30 s each plus backoff (about 151 s).
    /// </summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int? TimeoutSec { get; set; }

    /// <summary>The give-up time per call from -TimeoutSec, or null for the default retry policy.</summary>
    protected TimeSpan? CallTimeout => TimeoutSec is int seconds ? TimeSpan.FromSeconds(seconds) : null;

    /// <summary>
    /// Where each service would be called (-EndpointUrl, AWS_ENDPOINT_URL_&lt;SERVICE&gt;, AWS_ENDPOINT_URL), without
    /// resolving credentials (for -WhatIf text); terminating AwsInvalidEndpoint error for a malformed URL.
    /// </summary>
    protected AwsEndpoints ConfiguredEndpoints()
    {
        try
        {
            return AwsEndpoints.Resolve(EndpointUrl, name => Environment.GetEnvironmentVariable(name));
        }
        catch (EngineException e)
        {
            ThrowEngineError(e);
            throw;
        }
    }

    /// <summary>Resolves (once per distinct set of parameter values) the AWS session; terminating error when impossible.</summary>
    protected AwsSession GetAwsSession()
    {
        ScrubBoundParameters();
        string? region = RegionText(Region);
        AwsCredentials? credential = Credential is null ? null : ReadCredentialObject(Credential, "-Credential");
        string key = string.Join('\u001f', region, AccessKey, SecretKey?.GetHashCode(), SessionToken?.GetHashCode(), ProfileName, ProfileLocation,
            credential?.AccessKeyId, EndpointUrl, TimeoutSec);
        if (_session is not null && _sessionKey == key)
        {
            return _session;
        }

        var options = new AwsSessionOptions
        {
            AccessKey = AccessKey,
            SecretKey = SecretKey,
            SessionToken = SessionToken,
            ProfileName = ProfileName,
            ProfileLocation = ProfileLocation is null ? null : GetUnresolvedProviderPathFromPSPath(ProfileLocation),
            Credential = credential,
            Region = region,
            EndpointUrl = EndpointUrl,
            RetryPolicy = TimeoutSec is int seconds ? AwsRetryPolicy.Default.WithTimeout(seconds) : AwsRetryPolicy.Default,
            Trace = line => _messages.Enqueue((line.Contains("retrying", StringComparison.Ordinal), line)),
        };

        // Shell state of AWS.Tools: only looked at when nothing more specific was given, as AWS.Tools does.
        bool explicitCredentials = !string.IsNullOrWhiteSpace(AccessKey) || !string.IsNullOrWhiteSpace(SecretKey) || !string.IsNullOrWhiteSpace(ProfileName) || credential is not null;
        if (!explicitCredentials)
        {
            options.ShellCredential = ReadShellCredentials();
        }

        if (region is null && SessionState.PSVariable.GetValue("StoredAWSRegion") is { } stored)
        {
            options.StoredRegion = RegionText(stored);
        }

        try
        {
            _session = RunAws(ct => AwsSession.CreateAsync(options, ct));
        }
        catch (EngineException ex)
        {
            ThrowEngineError(ex);
            throw; // unreachable
        }

        _sessionKey = key;
        WriteDebug($"Credentials obtained from {_session.CredentialSource}");
        WriteDebug($"Region obtained from {_session.RegionSource}: {_session.Region}");
        foreach (string endpoint in _session.Endpoints.Describe())
        {
            WriteDebug($"AWS endpoint override: {endpoint}");
        }

        if (TimeoutSec is int limit)
        {
            WriteDebug($"Each AWS call gives up after {limit} s (-TimeoutSec), retries included.");
        }

        return _session;
    }

    /// <summary>
    /// Runs an engine call on the thread pool while the pipeline thread writes its diagnostics, and turns
    /// Ctrl+C into a prompt stop. Engine exceptions propagate unchanged.
    /// </summary>
    protected T RunAws<T>(Func<CancellationToken, Task<T>> work)
    {
        Task<T> task = Task.Run(() => work(CancellationToken));
        while (!task.IsCompleted)
        {
            ((IAsyncResult)task).AsyncWaitHandle.WaitOne(100);
            DrainMessages();
        }

        DrainMessages();
        try
        {
            return task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (Exception ex) when (ex is not EngineException and not PipelineStoppedException and not OperationCanceledException
            and not OutOfMemoryException and not StackOverflowException)
        {
            // Last resort for anything the engine did not turn into an EngineException (a response shape nobody
            // anticipated, a third-party library's own exception): a clear error record, never a stack trace.
            string last = _session?.Client.LastOperation is { } op ? $" The last AWS response read was {op}." : string.Empty;
            throw new EngineException("UnexpectedFailure", ErrorKind.InvalidResult,
                $"{MyInvocation.MyCommand.Name} could not use what it received ({ex.GetType().Name}: {ex.Message}).{last}", null, ex)
            {
                RecommendedAction = "Run again with -Debug to see each call; if it persists, report it with that output.",
            };
        }
    }

    protected void DrainMessages()
    {
        while (_messages.TryDequeue(out var message))
        {
            if (message.Verbose)
            {
                WriteVerbose(message.Text);
            }
            else
            {
                WriteDebug(message.Text);
            }
        }
    }

    /// <summary>-Region accepts a string or AWS.Tools objects (AWSRegion.Region, RegionEndpoint.SystemName).</summary>
    internal static string? RegionText(object? value)
    {
        if (value is null)
        {
            return null;
        }

        object baseObject = value is PSObject ps ? ps.BaseObject : value;
        if (baseObject is string s)
        {
            return string.IsNullOrWhiteSpace(s) ? null : s.Trim();
        }

        PSObject wrapped = PSObject.AsPSObject(value);
        foreach (string property in new[] { "SystemName", "Region" })
        {
            if (wrapped.Properties[property]?.Value is { } v && v.ToString() is { Length: > 0 } text)
            {
                return text.Trim();
            }
        }

        string? str = baseObject.ToString();
        return string.IsNullOrWhiteSpace(str) ? null : str.Trim();
    }

    /// <summary>
    /// Reads credentials by duck typing, because AWS.Tools' types live in another load context: an object with
    /// GetCredentials() (AWSCredentials) whose result has AccessKey/SecretKey/Token; an object that has those
    /// properties itself (ImmutableCredentials, a PSCustomObject); or a PSCredential.
    /// </summary>
    internal AwsCredentials ReadCredentialObject(object value, string where)
    {
        PSObject ps = PSObject.AsPSObject(value);
        if (ps.BaseObject is PSCredential psCredential)
        {
            return new AwsCredentials(psCredential.UserName, psCredential.GetNetworkCredential().Password);
        }

        PSObject source = ps;
        if (ps.Properties["AccessKey"] is null && ps.Methods["GetCredentials"] is { } method)
        {
            object? result;
            try
            {
                result = method.Invoke();
            }
            catch (MethodInvocationException ex)
            {
                // The AWS.Tools object could not produce credentials (e.g. an expired SSO login): say so without its internals.
                ThrowTerminatingError(new ErrorRecord(new InvalidOperationException(
                    $"The credentials passed with {where} could not be read: {ex.InnerException?.Message ?? ex.Message}", ex.InnerException ?? ex),
                    "AwsCredentialUnreadable", ErrorCategory.AuthenticationError, null));
                throw; // unreachable
            }

            source = PSObject.AsPSObject(result);
        }

        string? key = source.Properties["AccessKey"]?.Value?.ToString() ?? source.Properties["AccessKeyId"]?.Value?.ToString();
        string? secret = source.Properties["SecretKey"]?.Value?.ToString() ?? source.Properties["SecretAccessKey"]?.Value?.ToString();
        string? token = source.Properties["Token"]?.Value?.ToString() ?? source.Properties["SessionToken"]?.Value?.ToString();
        if (string.IsNullOrWhiteSpace(key) || string.IsNullOrWhiteSpace(secret))
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException(
                $"The object passed with {where} is not an AWS credentials object (expected AWS.Tools AWSCredentials, an object with AccessKey and SecretKey, or a PSCredential)."),
                "AwsCredentialNotRecognized", ErrorCategory.InvalidArgument, ps.BaseObject.GetType().FullName));
        }

        return new AwsCredentials(key!, secret!, token);
    }

    /// <summary>AWS.Tools shell credentials ($StoredAWSCredentials), read the supported way: Get-AWSCredential with no parameters.</summary>
    private AwsCredentials? ReadShellCredentials()
    {
        if (SessionState.PSVariable.GetValue("StoredAWSCredentials") is null)
        {
            return null;
        }

        CommandInfo? command = InvokeCommand.GetCommand("Get-AWSCredential", CommandTypes.Cmdlet | CommandTypes.Function | CommandTypes.Alias);
        if (command is null)
        {
            WriteDebug("$StoredAWSCredentials is set but Get-AWSCredential is not available; shell credentials are ignored.");
            return null;
        }

        var results = InvokeCommand.InvokeScript("Get-AWSCredential");
        // Keep the PSObject wrapper: its adapted (and any instance) members are what duck typing reads.
        PSObject? first = results.FirstOrDefault(r => r is not null);
        return first is null ? null : ReadCredentialObject(first, "Set-AWSCredential ($StoredAWSCredentials)");
    }

    /// <summary>Engine failure for one item: a non-terminating error; the pipeline goes on.</summary>
    protected void WriteAwsError(EngineException ex) => WriteEngineError(ex);
}
