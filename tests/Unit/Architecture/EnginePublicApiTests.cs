using System.Reflection;
using EksAutoMode.Engine;

namespace EksAutoMode.Tests.Unit.Architecture;

/// <summary>
/// The engine is loaded in the module's private load context; the cmdlets (default context) may only see our
/// own types and BCL types through it. A third-party type in a public engine signature would leak a second
/// copy of, say, AWSSDK.Core or YamlDotNet into PowerShell's view and break type identity.
/// </summary>
public class EnginePublicApiTests
{
    private static readonly Assembly s_engine = typeof(EngineException).Assembly;

    [Fact]
    public void PublicSignaturesUseOnlyEngineAndBclTypes()
    {
        var offenders = new List<string>();
        foreach (var type in s_engine.GetExportedTypes())
        {
            foreach (var (where, used) in SignatureTypes(type))
            {
                foreach (var t in Flatten(used))
                {
                    if (!IsAllowed(t))
                    {
                        offenders.Add($"{type.FullName}.{where}: {t.FullName} ({t.Assembly.GetName().Name})");
                    }
                }
            }
        }

        Assert.True(offenders.Count == 0, "Third-party types in the engine's public API:\n" + string.Join("\n", offenders.Distinct()));
    }

    private static bool IsAllowed(Type t)
    {
        string name = t.Assembly.GetName().Name ?? "";
        return t.Assembly == s_engine || name is "System.Private.CoreLib" or "mscorlib" or "netstandard"
            || (name.StartsWith("System.", StringComparison.Ordinal) && IsFrameworkAssembly(t.Assembly));
    }

    // Framework assemblies come from the shared runtime directory, not from a NuGet package next to the engine.
    private static bool IsFrameworkAssembly(Assembly a) =>
        Path.GetDirectoryName(a.Location) == Path.GetDirectoryName(typeof(object).Assembly.Location);

    private static IEnumerable<Type> Flatten(Type t)
    {
        if (t.IsGenericParameter)
        {
            yield break;
        }

        if (t.HasElementType)
        {
            foreach (var e in Flatten(t.GetElementType()!)) { yield return e; }
            yield break;
        }

        if (t.IsGenericType)
        {
            yield return t.GetGenericTypeDefinition();
            foreach (var a in t.GetGenericArguments().SelectMany(Flatten)) { yield return a; }
            yield break;
        }

        yield return t;
    }

    private static IEnumerable<(string Where, Type Used)> SignatureTypes(Type type)
    {
        const BindingFlags flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        if (type.BaseType is not null) { yield return ("base", type.BaseType); }
        foreach (var i in type.GetInterfaces()) { yield return ("interface", i); }
        foreach (var p in type.GetProperties(flags)) { yield return (p.Name, p.PropertyType); }
        foreach (var f in type.GetFields(flags)) { yield return (f.Name, f.FieldType); }
        foreach (var e in type.GetEvents(flags)) { yield return (e.Name, e.EventHandlerType!); }
        foreach (var m in type.GetMethods(flags).Where(m => !m.IsSpecialName))
        {
            yield return (m.Name, m.ReturnType);
            foreach (var p in m.GetParameters()) { yield return ($"{m.Name}({p.Name})", p.ParameterType); }
        }

        foreach (var c in type.GetConstructors(flags))
        {
            foreach (var p in c.GetParameters()) { yield return ($".ctor({p.Name})", p.ParameterType); }
        }
    }
}
