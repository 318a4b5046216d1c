using EksAutoMode.Engine.Conversion;
using Xunit.Abstractions;

namespace EksAutoMode.Tests.Unit.Conversion;

public class SmokeTests(ITestOutputHelper output)
{
    [Fact]
    public void PrintAll()
    {
        foreach (var (dir, direction) in new[] { ("automode", ConversionDirection.AutoToOss), ("karpenter", ConversionDirection.OssToAuto) })
        {
            foreach (var f in Directory.GetFiles(Path.Combine(ConversionTestHelpers.Examples, dir)).OrderBy(x => x))
            {
                foreach (var item in new ManifestConverter(direction).ConvertFile(f))
                {
                    output.WriteLine(item.Error?.Message ?? item.SkippedReason ?? ("---\n" + item.Document!.Yaml + "ERRORS: " + string.Join("|", item.Document.ValidationErrors)));
                }
            }
        }
    }
}
