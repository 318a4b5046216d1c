using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using System.Management.Automation;

namespace EksAutoMode.Infrastructure;

/// <summary>
/// The module's own load context (the "bridge" pattern). The engine and every third-party assembly it
/// uses (YamlDotNet, KubernetesClient, AWSSDK.*, Cel, ...) live in <c>Dependencies/</c>, which default
/// probing never sees, and are loaded here. Load resolves from <c>Dependencies/</c> first and returns null for
/// anything not there, so framework and PowerShell assemblies still come from the default context. Where
/// <c>Dependencies/</c> has ahead-of-time copies for this platform and runtime (<see cref="NativeImageFolder"/>),
/// those are loaded instead of the IL copies: same assemblies, less JIT before the first result.
/// </summary>
/// <remarks>
/// Why not the lighter AssemblyResolve-only variant: that handler fires only when the default context
/// fails to bind. AWS.Tools 5.x puts AWSSDK.Core (assembly version 4.0.0.0, frozen across all SDK v4
/// releases, but an older file) into the default context; a reference to AWSSDK.Core 4.0.0.0 from an
/// assembly in the default context would then bind silently to that older file and fail later with
/// MissingMethodException. Here the request comes from the engine, which lives in this context, so our
/// <see cref="Load"/> answers before the default context is consulted. The same holds for an old YamlDotNet
/// loaded by another module.
/// </remarks>
internal sealed class DependencyLoadContext : AssemblyLoadContext
{
    internal const string EngineAssemblyName = "EksAutoMode.Engine";
    private readonly string _dependencyDirectory;

    /// <summary>The folder of ahead-of-time copies this process loads, or null (portable IL copies only).</summary>
    private readonly string? _nativeImageDirectory;

    private DependencyLoadContext(string dependencyDirectory)
        : base("EksAutoMode.Dependencies", isCollectible: false)
    {
        _dependencyDirectory = dependencyDirectory;
        string native = Path.Combine(dependencyDirectory, NativeImageFolder(
            OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : OperatingSystem.IsLinux() ? "linux" : "other",
            RuntimeInformation.RuntimeIdentifier, RuntimeInformation.ProcessArchitecture, Environment.Version.Major));
        _nativeImageDirectory = Directory.Exists(native) ? native : null;
    }

    /// <summary>
    /// The sub-folder of <c>Dependencies/</c> with ahead-of-time (ReadyToRun) copies for one platform and .NET major
    /// version, e.g. <c>net10.0-linux-x64</c> (written by build.ps1 from build/NativeImages). Such code is valid only on
    /// that operating system, processor and runtime, so the folder name carries all three; where no folder matches,
    /// the portable IL copies in <c>Dependencies/</c> are used. The C library is told apart on Linux (musl builds,
    /// <c>linux-musl-*</c> or Alpine's own <c>alpine.*</c>); other distributions' own .NET builds name the
    /// distribution in the runtime identifier, so the operating system comes from <paramref name="os"/>.
    /// </summary>
    internal static string NativeImageFolder(string os, string runtimeIdentifier, Architecture architecture, int runtimeMajor)
    {
        if (os == "linux" && (runtimeIdentifier.Contains("musl", StringComparison.OrdinalIgnoreCase) || runtimeIdentifier.StartsWith("alpine", StringComparison.OrdinalIgnoreCase)))
        {
            os = "linux-musl";
        }

        return $"net{runtimeMajor}.0-{os}-{architecture.ToString().ToLowerInvariant()}";
    }

    /// <summary>One instance per process: assemblies cannot be unloaded from a non-collectible context,
    /// so a Remove-Module / Import-Module cycle must reuse it rather than load a second copy.</summary>
    internal static DependencyLoadContext Instance { get; } = new(
        Path.Combine(Path.GetDirectoryName(typeof(DependencyLoadContext).Assembly.Location)!, "Dependencies"));

    internal string DependencyDirectory => _dependencyDirectory;

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (assemblyName.Name is null)
        {
            return null;
        }

        string file = assemblyName.Name + ".dll";
        if (_nativeImageDirectory is not null && Path.Combine(_nativeImageDirectory, file) is var native && File.Exists(native))
        {
            return LoadFromAssemblyPath(native);
        }

        string candidate = Path.Combine(_dependencyDirectory, file);
        return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        string candidate = Path.Combine(_dependencyDirectory, unmanagedDllName);
        return File.Exists(candidate) ? LoadUnmanagedDllFromPath(candidate) : IntPtr.Zero;
    }
}

/// <summary>
/// Hooks the default context's Resolving event on import so the one uniquely named assembly the cmdlets
/// reference, the engine, is loaded into <see cref="DependencyLoadContext"/>; unhooks on Remove-Module.
/// Nothing is loaded at import time: the engine loads on first use, which keeps Import-Module fast.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    // Every runspace that imports the module calls OnImport (e.g. ForEach-Object -Parallel); the hook
    // stays while any of them still has the module, so one Remove-Module cannot break the others.
    private static readonly object s_gate = new();
    private static int s_imports;

    public void OnImport()
    {
        lock (s_gate)
        {
            if (s_imports++ == 0)
            {
                AssemblyLoadContext.Default.Resolving += ResolveEngine;
            }
        }
    }

    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        lock (s_gate)
        {
            if (s_imports > 0 && --s_imports == 0)
            {
                AssemblyLoadContext.Default.Resolving -= ResolveEngine;
            }
        }
    }

    private static Assembly? ResolveEngine(AssemblyLoadContext defaultContext, AssemblyName assemblyName)
    {
        return string.Equals(assemblyName.Name, DependencyLoadContext.EngineAssemblyName, StringComparison.Ordinal)
            ? DependencyLoadContext.Instance.LoadFromAssemblyName(assemblyName)
            : null;
    }
}
