using System.Xml.Linq;

namespace EksAutoMode.Engine.Aws;

/// <summary>Reading AWS Query (IAM, EC2) XML answers by local name, whatever namespace the service uses.</summary>
internal static class QueryXml
{
    /// <summary>The first descendant element named <paramref name="localName"/>.</summary>
    public static XElement? First(XDocument doc, string localName) => doc.Descendants().FirstOrDefault(e => e.Name.LocalName == localName);

    /// <summary>The first child element named <paramref name="localName"/>.</summary>
    public static XElement? Child(XElement? e, string localName) => e?.Elements().FirstOrDefault(x => x.Name.LocalName == localName);

    /// <summary>The text of the first child named <paramref name="localName"/>; null when absent or empty.</summary>
    public static string? Text(XElement? e, string localName) => Child(e, localName)?.Value is { Length: > 0 } v ? v : null;

    /// <summary>The items of a list (EC2 <c>&lt;set&gt;&lt;item/&gt;</c>, IAM <c>&lt;List&gt;&lt;member/&gt;</c>) found anywhere in the answer.</summary>
    public static IEnumerable<XElement> Items(XDocument doc, string listName) => First(doc, listName)?.Elements() ?? Enumerable.Empty<XElement>();
}
