using System.Text;

namespace EksAutoMode.Engine.Conversion;

/// <summary>Atomic file writes for -OutputDirectory: write a temporary file in the same folder, then rename it into place.</summary>
public static class OutputFileWriter
{
    /// <summary>
    /// Writes <paramref name="content"/> to <paramref name="path"/> atomically. Without <paramref name="overwrite"/> an
    /// existing file is never replaced (OutputFileExists). Readers never see a half-written file; on failure the
    /// temporary file is removed and the target is untouched.
    /// </summary>
    /// <exception cref="EngineException">OutputFileExists (ResourceExists) or OutputWriteFailed (WriteError).</exception>
    public static void WriteAtomic(string path, string content, bool overwrite)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full)!;
        if (!overwrite && File.Exists(full))
        {
            throw Exists(full);
        }

        string temp = Path.Combine(dir, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N")[..12] + ".tmp");
        try
        {
            Directory.CreateDirectory(dir);
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                // Files the module writes never carry a secret (EKS tokens, URL passwords, resolved credentials).
                byte[] bytes = new UTF8Encoding(false).GetBytes(Redaction.Redact(content));
                stream.Write(bytes, 0, bytes.Length);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite);
        }
        catch (IOException) when (!overwrite && File.Exists(full))
        {
            throw Exists(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            throw new EngineException("OutputWriteFailed", ErrorKind.WriteError, $"Cannot write '{full}': {e.Message}", full, e);
        }
        finally
        {
            try
            {
                if (File.Exists(temp))
                {
                    File.Delete(temp);
                }
            }
            catch (IOException)
            {
                // best effort: the temporary file has a dot name and a .tmp suffix
            }
        }
    }

    private static EngineException Exists(string full) =>
        new("OutputFileExists", ErrorKind.ResourceExists, $"'{full}' already exists. Use -Force to overwrite it.", full)
        {
            RecommendedAction = "Add -Force to overwrite, or choose another -OutputDirectory.",
        };
}
