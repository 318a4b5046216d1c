using System.Collections;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Reflection;
using EksAutoMode.Engine;

namespace EksAutoMode.Infrastructure;

/// <summary>
/// Applies <see cref="Redaction"/> (the engine's one redaction point) to what PowerShell sees: output objects of
/// the module's own types, ErrorRecords (exception text, target, details, recommended action) and the
/// invocation's bound parameters. Used only by <see cref="EksAutoModeCmdlet"/>'s stream methods.
/// </summary>
internal static class SecretScrubber
{
    /// <summary>Parameters whose values are always secret, whatever they look like.</summary>
    private static readonly string[] SecretParameters = { "SecretKey", "SessionToken", "Credential" };

    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> s_stringProperties = new();
    private static readonly Assembly s_ownAssembly = typeof(SecretScrubber).Assembly;

    internal const string Redacted = Redaction.Mask;

    internal static void ScrubBoundParameters(Dictionary<string, object> bound)
    {
        if (bound.Count == 0)
        {
            return;
        }

        foreach (string name in SecretParameters)
        {
            if (bound.TryGetValue(name, out object? value) && value is not null && !Equals(value, Redacted))
            {
                if (PSObject.AsPSObject(value).BaseObject is string text)
                {
                    Redaction.Register(text);
                }

                bound[name] = Redacted;
            }
        }

        foreach (string key in bound.Keys.ToArray())
        {
            if (bound[key] is string text && Redaction.Redact(text) is var redacted && !ReferenceEquals(redacted, text) && redacted != text)
            {
                bound[key] = redacted;
            }
        }
    }

    /// <summary>Strings and the string properties of the module's own output types, redacted in place.</summary>
    internal static object? ScrubOutput(object? value)
    {
        switch (value)
        {
            case null:
                return null;
            case string s:
                return Redaction.Redact(s);
            case PSObject ps when ps.BaseObject is string s2:
                return Redaction.Redact(s2);
        }

        Type type = value.GetType();
        if (type.Assembly == s_ownAssembly)
        {
            ScrubObject(value, depth: 0);
        }

        return value;
    }

    private static void ScrubObject(object value, int depth)
    {
        if (depth > 3)
        {
            return;
        }

        foreach (PropertyInfo property in s_stringProperties.GetOrAdd(value.GetType(), Properties))
        {
            object? current = property.GetValue(value);
            switch (current)
            {
                case string s:
                    string redacted = Redaction.Redact(s);
                    if (!ReferenceEquals(redacted, s) && redacted != s)
                    {
                        property.SetValue(value, redacted);
                    }

                    break;
                case string[] array:
                    for (int i = 0; i < array.Length; i++)
                    {
                        array[i] = Redaction.Redact(array[i]);
                    }

                    break;
                case IEnumerable items and not string:
                    foreach (object? item in items)
                    {
                        if (item is not null && item.GetType().Assembly == s_ownAssembly)
                        {
                            ScrubObject(item, depth + 1);
                        }
                    }

                    break;
                case not null when current.GetType().Assembly == s_ownAssembly && !current.GetType().IsEnum:
                    ScrubObject(current, depth + 1);
                    break;
            }
        }
    }

    private static PropertyInfo[] Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.GetIndexParameters().Length == 0
                && (p.PropertyType == typeof(string) ? p.CanWrite
                    : p.PropertyType == typeof(string[]) || typeof(IEnumerable).IsAssignableFrom(p.PropertyType)
                      || (p.PropertyType.Assembly == s_ownAssembly && !p.PropertyType.IsEnum)))
            .ToArray();

    /// <summary>
    /// The record unchanged when nothing in it is secret; otherwise a copy whose exception (message, inner
    /// exceptions, stack text), target, details and recommended action are redacted. Engine errors keep their
    /// ErrorId and kind.
    /// </summary>
    internal static ErrorRecord ScrubError(ErrorRecord record)
    {
        Exception exception = record.Exception;
        string? recommended = record.ErrorDetails?.RecommendedAction;
        string? details = record.ErrorDetails?.Message;
        object? target = record.TargetObject;
        string? targetText = target as string ?? (target is PSObject { BaseObject: string ts } ? ts : null);
        bool leaks = Redaction.ContainsSecret(exception.ToString())
            || Redaction.ContainsSecret(recommended)
            || Redaction.ContainsSecret(details)
            || Redaction.ContainsSecret(targetText)
            || (exception is EngineException { RecommendedAction: { } ra } && Redaction.ContainsSecret(ra));
        if (!leaks)
        {
            return record;
        }

        object? safeTarget = targetText is not null ? Redaction.Redact(targetText) : target;
        Exception safe = exception is EngineException engine
            ? new EngineException(engine.ErrorId, engine.Kind, Redaction.Redact(engine.Message), safeTarget)
            {
                RecommendedAction = Redaction.Redact(engine.RecommendedAction),
            }
            : new InvalidOperationException(Redaction.Redact(exception.Message));
        string errorId = record.FullyQualifiedErrorId;
        var copy = new ErrorRecord(safe, errorId, record.CategoryInfo.Category, safeTarget);
        if (record.ErrorDetails is not null)
        {
            copy.ErrorDetails = new ErrorDetails(Redaction.Redact(record.ErrorDetails.Message ?? safe.Message))
            {
                RecommendedAction = Redaction.Redact(recommended),
            };
        }

        return copy;
    }
}
