using System.Reflection;

namespace EksAutoMode.Engine;

/// <summary>Reads the data files embedded from <c>src/EksAutoMode.Engine/Data/</c> (resource names
/// <c>EksAutoMode.Engine.Data.&lt;domain&gt;.&lt;file&gt;</c>, MSBuild's default naming).</summary>
public static class EmbeddedData
{
    private static readonly Assembly s_assembly = typeof(EmbeddedData).Assembly;

    /// <summary>Opens an embedded data file, e.g. <c>Open("Knowledge", "differences.yaml")</c>.</summary>
    public static Stream Open(string domain, string fileName)
    {
        string name = $"EksAutoMode.Engine.Data.{domain}.{fileName}";
        return s_assembly.GetManifestResourceStream(name)
            ?? throw new EngineException("DataFileMissing", ErrorKind.ResourceUnavailable, $"The embedded data file '{domain}/{fileName}' is missing from the engine assembly.", name);
    }

    public static string ReadText(string domain, string fileName)
    {
        using var reader = new StreamReader(Open(domain, fileName));
        return reader.ReadToEnd();
    }
}
