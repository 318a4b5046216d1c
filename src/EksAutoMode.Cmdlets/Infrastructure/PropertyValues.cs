using System.Management.Automation;

namespace EksAutoMode.Infrastructure;

/// <summary>
/// Reading pipeline objects by property name, the way the module takes AWS.Tools objects, deserialized objects,
/// hashtables turned into PSCustomObjects and its own output: one rule for a property whose getter throws (no value)
/// and for wrapped values (unwrapped, except a PSCustomObject, whose wrapper holds the data).
/// </summary>
internal static class PropertyValues
{
    /// <summary>The value of property <paramref name="name"/>, or null when the object has none or its getter throws.</summary>
    public static object? Get(PSObject item, string name) =>
        item.Properties[name] is { } property && TryValue(property, out object? value) ? value : null;

    /// <summary>The property's value; false when its getter throws (a script property, an adapter failing).</summary>
    public static bool TryValue(PSPropertyInfo property, out object? value)
    {
        try
        {
            value = property.Value;
        }
        catch (ExtendedTypeSystemException)
        {
            value = null;
            return false;
        }

        if (value is PSObject inner && inner.BaseObject is not PSCustomObject)
        {
            value = inner.BaseObject;
        }

        return true;
    }
}
