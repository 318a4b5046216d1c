using System.Collections;
using System.Collections.ObjectModel;
using System.Management.Automation;
using EksAutoMode.Engine;

namespace EksAutoMode.Infrastructure;

/// <summary>
/// Base of every EksAutoMode cmdlet. Owns what all of them share and nothing else:
/// a per-invocation cancellation token cancelled by Ctrl+C (<see cref="StopProcessing"/>),
/// ErrorRecords built from engine failures, -Path/-LiteralPath resolution, and progress records.
/// Cmdlets stay thin: bind parameters, call the engine, write objects and errors.
/// </summary>
public abstract class EksAutoModeCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly int _progressActivityId = Random.Shared.Next(1, int.MaxValue);
    private bool _progressWritten;

    /// <summary>Cancelled when the user presses Ctrl+C or the pipeline is stopped. Pass it to every engine call.</summary>
    protected CancellationToken CancellationToken => _stop.Token;

    protected override void StopProcessing()
    {
        _stop.Cancel();
        base.StopProcessing();
    }

    /// <summary>
    /// WriteVerbose that never prompts. Under -Debug without -Verbose, PowerShell makes a compiled cmdlet's
    /// verbose preference Inquire, so each verbose line would prompt (and fail in non-interactive runbooks);
    /// the line goes to the debug stream instead. Every EksAutoMode cmdlet calls this one.
    /// </summary>
    protected new void WriteVerbose(string text)
    {
        var bound = MyInvocation.BoundParameters;
        if (bound.ContainsKey("Debug") && !bound.ContainsKey("Verbose"))
        {
            WriteDebug(text);
        }
        else
        {
            ScrubBoundParameters();
            base.WriteVerbose(Redaction.Redact(text));
        }
    }

    // ------------------------------------------------------------------ the redaction point
    // Every stream a cmdlet writes goes through these (they hide Cmdlet's non-virtual methods for all code in
    // derived cmdlets, so a new cmdlet gets them without doing anything): output, error, warning, verbose, debug,
    // information, progress and -WhatIf/-Confirm text. The logic is Engine.Redaction; see SecretScrubber.

    protected new void WriteDebug(string text)
    {
        ScrubBoundParameters();
        base.WriteDebug(Redaction.Redact(text));
    }

    protected new void WriteWarning(string text)
    {
        ScrubBoundParameters();
        base.WriteWarning(Redaction.Redact(text));
    }

    protected new void WriteInformation(InformationRecord record)
    {
        ScrubBoundParameters();
        base.WriteInformation(new InformationRecord(record.MessageData is string s ? Redaction.Redact(s) : record.MessageData, Redaction.Redact(record.Source)));
    }

    protected new void WriteInformation(object messageData, string[] tags)
    {
        ScrubBoundParameters();
        base.WriteInformation(messageData is string s ? Redaction.Redact(s) : messageData, tags);
    }

    protected new void WriteObject(object? sendToPipeline)
    {
        ScrubBoundParameters();
        base.WriteObject(SecretScrubber.ScrubOutput(sendToPipeline));
    }

    protected new void WriteObject(object? sendToPipeline, bool enumerateCollection)
    {
        ScrubBoundParameters();
        if (enumerateCollection && sendToPipeline is System.Collections.IEnumerable items and not string)
        {
            foreach (object? item in items)
            {
                base.WriteObject(SecretScrubber.ScrubOutput(item));
            }

            return;
        }

        base.WriteObject(SecretScrubber.ScrubOutput(sendToPipeline), enumerateCollection);
    }

    protected new void WriteError(ErrorRecord errorRecord)
    {
        ScrubBoundParameters();
        base.WriteError(SecretScrubber.ScrubError(errorRecord));
    }

    protected new void ThrowTerminatingError(ErrorRecord errorRecord)
    {
        ScrubBoundParameters();
        base.ThrowTerminatingError(SecretScrubber.ScrubError(errorRecord));
    }

    protected new void WriteProgress(ProgressRecord progressRecord)
    {
        progressRecord.StatusDescription = Redaction.Redact(progressRecord.StatusDescription);
        if (progressRecord.CurrentOperation is not null)
        {
            progressRecord.CurrentOperation = Redaction.Redact(progressRecord.CurrentOperation);
        }

        base.WriteProgress(progressRecord);
    }

    protected new bool ShouldProcess(string target)
    {
        ScrubBoundParameters();
        return base.ShouldProcess(Redaction.Redact(target));
    }

    protected new bool ShouldProcess(string target, string action)
    {
        ScrubBoundParameters();
        return base.ShouldProcess(Redaction.Redact(target), Redaction.Redact(action));
    }

    protected new bool ShouldProcess(string verboseDescription, string verboseWarning, string caption)
    {
        ScrubBoundParameters();
        return base.ShouldProcess(Redaction.Redact(verboseDescription), Redaction.Redact(verboseWarning), Redaction.Redact(caption));
    }

    /// <summary>
    /// Records carry this invocation's InvocationInfo, whose BoundParameters would show secrets to anyone who
    /// logs $Error or serialises a record. The values have been read into the cmdlet's properties by now, so the
    /// dictionary entries are masked: secret parameters (registered first, so their values are masked wherever
    /// else they appear) and any string that contains a secret (e.g. -EndpointUrl with user:password@).
    /// </summary>
    protected void ScrubBoundParameters() => SecretScrubber.ScrubBoundParameters(MyInvocation.BoundParameters);

    /// <summary>Writes a non-terminating error for one failed item.</summary>
    protected void WriteEngineError(EngineException exception) => WriteError(ToErrorRecord(exception));

    /// <summary>Stops the whole command: for failures after which nothing can proceed.</summary>
    protected void ThrowEngineError(EngineException exception) => ThrowTerminatingError(ToErrorRecord(exception));

    protected void WriteError(string errorId, ErrorCategory category, string message, object? target, string? recommendedAction = null)
    {
        var record = new ErrorRecord(new InvalidOperationException(message), errorId, category, target);
        if (recommendedAction is not null)
        {
            record.ErrorDetails = new ErrorDetails(message) { RecommendedAction = recommendedAction };
        }

        WriteError(record);
    }

    internal static ErrorRecord ToErrorRecord(EngineException exception)
    {
        var category = Enum.TryParse(exception.Kind.ToString(), out ErrorCategory parsed) ? parsed : ErrorCategory.NotSpecified;
        var record = new ErrorRecord(exception, exception.ErrorId, category, exception.Target);
        if (exception.RecommendedAction is not null)
        {
            record.ErrorDetails = new ErrorDetails(exception.Message) { RecommendedAction = exception.RecommendedAction };
        }

        return record;
    }

    /// <summary>
    /// Resolves -Path (wildcards) or -LiteralPath values to provider paths of existing files. Directories are
    /// expanded to the files in them that match <paramref name="directoryFilter"/> (recursively with
    /// <paramref name="recurse"/>). A path that matches nothing gets a non-terminating PathNotFound error (and
    /// <paramref name="notFound"/> is called with it, for cmdlets that also count it as a failure).
    /// </summary>
    protected IReadOnlyList<string> ResolveFiles(IEnumerable<string> paths, bool literal, bool recurse, IReadOnlyCollection<string> directoryFilter, Action<string>? notFound = null)
    {
        var result = new List<string>();
        foreach (string path in paths)
        {
            IEnumerable<string> resolved;
            try
            {
                if (literal)
                {
                    string full = GetUnresolvedProviderPathFromPSPath(path);
                    resolved = File.Exists(full) || Directory.Exists(full) ? new[] { full } : Array.Empty<string>();
                }
                else
                {
                    resolved = GetResolvedProviderPathFromPSPath(path, out ProviderInfo provider);
                    if (provider.Name != "FileSystem")
                    {
                        WriteError("PathNotFileSystem", ErrorCategory.InvalidArgument, $"'{path}' is not a file-system path.", path);
                        continue;
                    }
                }
            }
            catch (ItemNotFoundException)
            {
                resolved = Array.Empty<string>();
            }
            catch (System.Management.Automation.DriveNotFoundException)
            {
                resolved = Array.Empty<string>();
            }

            bool any = false;
            foreach (string full in resolved)
            {
                any = true;
                if (Directory.Exists(full))
                {
                    var option = recurse ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly;
                    result.AddRange(Directory.EnumerateFiles(full, "*", option)
                        .Where(f => directoryFilter.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                        .OrderBy(f => f, StringComparer.Ordinal));
                }
                else
                {
                    result.Add(full);
                }
            }

            if (!any)
            {
                WriteError(new ErrorRecord(
                    new ItemNotFoundException($"Cannot find path '{path}' because it does not exist."),
                    "PathNotFound", ErrorCategory.ObjectNotFound, path));
                notFound?.Invoke(path);
            }
        }

        return result;
    }

    /// <summary>Progress for item <paramref name="index"/> (0-based) of <paramref name="total"/>; call from the pipeline thread only.</summary>
    protected void WriteItemProgress(string activity, int index, int total, string item)
    {
        _progressWritten = true;
        int percent = total <= 0 ? -1 : Math.Min(100, index * 100 / total);
        WriteProgress(new ProgressRecord(_progressActivityId, activity, $"{index + 1}/{total} {item}") { PercentComplete = percent });
    }

    /// <summary>Closes the progress bar if one was shown. Call in EndProcessing (and it is called again on Dispose).</summary>
    protected void CompleteProgress(string activity)
    {
        if (_progressWritten)
        {
            _progressWritten = false;
            WriteProgress(new ProgressRecord(_progressActivityId, activity, "Done") { RecordType = ProgressRecordType.Completed });
        }
    }

    /// <summary>
    /// The provider path of an output file: -LiteralPath as given; -Path with wildcards must match one file (or, matching
    /// nothing, names a new one, like Export-Csv). Errors: PathNotFound, PathNotSingleFile, PathNotFileSystem,
    /// PathIsDirectory.
    /// </summary>
    protected string ResolveOutputFile(string given, bool literal)
    {
        ProviderInfo provider;
        string resolved;
        try
        {
            if (!literal && WildcardPattern.ContainsWildcardCharacters(given))
            {
                Collection<string> matches;
                try
                {
                    matches = GetResolvedProviderPathFromPSPath(given, out provider);
                }
                catch (ItemNotFoundException)
                {
                    matches = new Collection<string>();
                    provider = SessionState.Provider.GetOne("FileSystem");
                }

                if (matches.Count == 0)
                {
                    // Like Export-Csv: a pattern that matches nothing names a new file.
                    matches.Add(SessionState.Path.GetUnresolvedProviderPathFromPSPath(given, out provider, out _));
                }

                if (matches.Count != 1)
                {
                    ThrowTerminatingError(new ErrorRecord(new ArgumentException($"-Path '{given}' matches {matches.Count} files; give one file."),
                        "PathNotSingleFile", ErrorCategory.InvalidArgument, given));
                }

                resolved = matches[0];
            }
            else
            {
                resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(given, out provider, out _);
            }
        }
        catch (Exception e) when (e is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or NotSupportedException or ArgumentException)
        {
            ThrowTerminatingError(new ErrorRecord(e, "PathNotFound", ErrorCategory.ObjectNotFound, given));
            throw; // not reached
        }

        if (provider.Name != "FileSystem")
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException($"'{given}' is not a file-system path."), "PathNotFileSystem", ErrorCategory.InvalidArgument, given));
        }

        if (Directory.Exists(resolved))
        {
            ThrowTerminatingError(new ErrorRecord(new IOException($"'{resolved}' is a directory; give a file path."), "PathIsDirectory", ErrorCategory.InvalidArgument, resolved));
        }

        return resolved;
    }

    /// <summary>
    /// The objects in one pipeline input: its elements when it is a list (<c>-InputObject @(a, b)</c> arrives as one
    /// object), else the input itself. Null elements are skipped; Ctrl+C stops between elements.
    /// </summary>
    protected IEnumerable<PSObject> InputElements(PSObject item)
    {
        if (item.BaseObject is not IEnumerable list || item.BaseObject is string or IDictionary)
        {
            yield return item;
            yield break;
        }

        foreach (object? element in list)
        {
            CancellationToken.ThrowIfCancellationRequested();
            if (element is not null)
            {
                foreach (PSObject inner in InputElements(PSObject.AsPSObject(element)))
                {
                    yield return inner;
                }
            }
        }
    }

    /// <summary>The module's version (x.y.z) for files the cmdlet writes ("written by EksAutoMode x.y.z").</summary>
    protected string? ToolVersion => (MyInvocation.MyCommand.Module?.Version ?? GetType().Assembly.GetName().Version)?.ToString(3);

    /// <summary>Export-Csv semantics: a read-only file is replaced only with -Force.</summary>
    protected void ClearReadOnly(string target, bool force)
    {
        try
        {
            if (!File.Exists(target) || (File.GetAttributes(target) & FileAttributes.ReadOnly) == 0)
            {
                return;
            }

            if (force)
            {
                File.SetAttributes(target, File.GetAttributes(target) & ~FileAttributes.ReadOnly);
                return;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(new ErrorRecord(e, "OutputWriteFailed", ErrorCategory.WriteError, target));
        }

        string message = $"'{target}' is read-only. Use -Force to replace it.";
        ThrowTerminatingError(new ErrorRecord(new UnauthorizedAccessException(message), "FileReadOnly", ErrorCategory.PermissionDenied, target)
        {
            ErrorDetails = new ErrorDetails(message) { RecommendedAction = "Add -Force to replace a read-only file." },
        });
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stop.Dispose();
        }
    }
}
