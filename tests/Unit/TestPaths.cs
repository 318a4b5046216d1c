namespace EksAutoMode.Tests.Unit;

/// <summary>Where the repository and its examples are, found from the test assembly's location.</summary>
internal static class TestPaths
{
    private static readonly Lazy<string> s_root = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EksAutoMode.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    });

    public static string RepoRoot => s_root.Value;

    public static string Examples => Path.Combine(RepoRoot, "examples");
}
