namespace EksAutoMode.Engine.Reporting;

/// <summary>
/// File locations in reports: relative to a base directory (the repository root or working directory) with
/// forward slashes, so that GitHub code scanning and annotations can place them in the checked-out tree.
/// </summary>
public static class ReportPaths
{
    /// <summary>
    /// <paramref name="file"/> relative to <paramref name="baseDirectory"/> with '/' separators, or null when the file
    /// is outside the base directory (or on another drive). A relative <paramref name="file"/> is taken as relative to
    /// the base already.
    /// </summary>
    public static string? Relative(string file, string baseDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        ArgumentException.ThrowIfNullOrEmpty(baseDirectory);
        string full = Path.GetFullPath(file, Path.GetFullPath(baseDirectory));
        string root = Path.GetFullPath(baseDirectory);
        string relative = Path.GetRelativePath(root, full);
        if (Path.IsPathRooted(relative) || relative == ".." || relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            || relative.StartsWith("../", StringComparison.Ordinal))
        {
            return null;
        }

        return relative.Replace(Path.DirectorySeparatorChar, '/').Replace(Path.AltDirectorySeparatorChar, '/');
    }

    /// <summary>The path to show or annotate: relative to the base when inside it, else the full path ('/' separators).</summary>
    public static string Display(string file, string baseDirectory) =>
        Relative(file, baseDirectory) ?? Path.GetFullPath(file, Path.GetFullPath(baseDirectory)).Replace('\\', '/');

    /// <summary>A relative path as a URI reference: each segment percent-encoded (spaces, '#', '%', non-ASCII), '/' kept.</summary>
    public static string ToUriReference(string relativePath) =>
        string.Join('/', relativePath.Split('/').Select(Uri.EscapeDataString));

    /// <summary>An absolute file path (or directory, with <paramref name="directory"/>) as a <c>file://</c> URI.</summary>
    public static string ToFileUri(string fullPath, bool directory = false)
    {
        string path = Path.GetFullPath(fullPath).Replace('\\', '/');
        if (directory && !path.EndsWith('/'))
        {
            path += "/";
        }

        // Keep a Windows drive ("C:") readable; escape everything else per segment.
        string escaped = string.Join('/', path.Split('/').Select(seg =>
            seg.Length == 2 && seg[1] == ':' && char.IsAsciiLetter(seg[0]) ? seg : Uri.EscapeDataString(seg)));
        return "file://" + (escaped.StartsWith('/') ? escaped : "/" + escaped);
    }
}
