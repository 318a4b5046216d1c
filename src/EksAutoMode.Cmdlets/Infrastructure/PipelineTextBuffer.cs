using System.Management.Automation;

namespace EksAutoMode.Infrastructure;

/// <summary>
/// Joins manifest text that arrives on the pipeline line by line. <c>Get-Content f.yaml | Cmdlet</c> sends one
/// string per line, each carrying the file's PSPath: the lines of one file are joined back into the file's text
/// (so its documents, positions and file name are those of the file). Strings that already hold several lines
/// (Get-Content -Raw, here-strings) are whole texts. Several one-line JSON objects stay separate texts.
/// Shared by the validation and conversion cmdlets.
/// </summary>
internal sealed class PipelineTextBuffer
{
    private readonly List<string> _lines = new();
    private string? _source;

    public bool IsEmpty => _lines.Count == 0;

    /// <summary>The file a pipeline string came from (Get-Content's PSPath note property), as a provider path; null otherwise.</summary>
    public static string? SourceOf(object? input, PSCmdlet cmdlet)
    {
        if (input is not PSObject pso || pso.Properties["PSPath"]?.Value is not string psPath || psPath.Length == 0)
        {
            return null;
        }

        try
        {
            return cmdlet.GetUnresolvedProviderPathFromPSPath(psPath);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or ProviderNotFoundException or System.Management.Automation.DriveNotFoundException or PSInvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>
    /// Manifest text carried by a pipeline object as a string Yaml (or Json) property, bound by property name: a
    /// ConversionResult of ConvertFrom-OssKarpenter / ConvertTo-OssKarpenter, or any object shaped like one. Null
    /// for dictionaries (they are manifests themselves) and objects without such a property.
    /// </summary>
    public static string? CarriedText(object? input)
    {
        if (input is null)
        {
            return null;
        }

        // -InputObject $result passes the object itself, the pipeline a PSObject around it: both are read by name.
        PSObject carrier = PSObject.AsPSObject(input);
        return carrier.BaseObject is System.Collections.IDictionary or string
            ? null
            : (carrier.Properties["Yaml"]?.Value ?? carrier.Properties["Json"]?.Value) as string;
    }

    /// <summary>Adds one string; returns the texts that are complete now (in order).</summary>
    public IReadOnlyList<(string Text, string? Source)> Add(string text, string? source)
    {
        var ready = new List<(string, string?)>();
        if (text.Contains('\n'))
        {
            ready.AddRange(Flush());
            ready.Add((text, source));
            return ready;
        }

        if (_lines.Count > 0 && !string.Equals(_source, source, StringComparison.Ordinal))
        {
            ready.AddRange(Flush());
        }

        _source = source;
        _lines.Add(text);
        return ready;
    }

    /// <summary>The pending lines as text(s); empties the buffer.</summary>
    public IReadOnlyList<(string Text, string? Source)> Flush()
    {
        if (_lines.Count == 0)
        {
            return Array.Empty<(string, string?)>();
        }

        List<(string, string?)> result;
        if (_source is null && _lines.Count > 1 && _lines.All(IsOneLineJsonObject))
        {
            result = _lines.Select(l => (l, (string?)null)).ToList();
        }
        else
        {
            result = new List<(string, string?)> { (string.Join("\n", _lines), _source) };
        }

        _lines.Clear();
        _source = null;
        return result;
    }

    private static bool IsOneLineJsonObject(string line)
    {
        string t = line.Trim();
        return t.Length >= 2 && t[0] == '{' && t[^1] == '}';
    }
}
