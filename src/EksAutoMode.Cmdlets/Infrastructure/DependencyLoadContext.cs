using System.Reflection;
using System.Runtime.Loader;
using System.Management.Automation;

namespace EksAutoMode.Infrastructure;

/// <summary>
/// The module's own load context (the "bridge" pattern). The engine and every third-party assembly it
/// uses (YamlDotNet, KubernetesClient, AWSSDK.*, Cel, ...) live in <c>Dependencies/</c>, which default
/// probing never sees, and are loaded here. Load resolves from <c>Dependencies/</c> first and returns null for
/// anything not there, so framework and PowerShell assemblies still come from the default context.
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

    private DependencyLoadContext(string dependencyDirectory)
        : base("EksAutoMode.Dependencies", isCollectible: false)
    {
        _dependencyDirectory = dependencyDirectory;
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

        string candidate = Path.Combine(_dependencyDirectory, assemblyName.Name + ".dll");
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
