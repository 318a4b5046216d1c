using System.Diagnostics;
using System.Text;
using EksAutoMode.Engine.Manifests;
using EksAutoMode.Engine.Validation;
using EksAutoMode.Tests.Unit.Validation;

/// <summary>The bench's larger fuzz run: the same mutations as tests/Unit/Validation/FuzzTests.cs, more cases.</summary>
internal static class Fuzz
{
    public static string Run(string[] seeds, int count)
    {
        var random = new Random(20261128);
        var options = new ValidationOptions();
        foreach (var seed in seeds)
        {
            ManifestValidator.ValidateSet(ManifestReader.ReadText(seed).Documents, options);
        }

        int exceptions = 0;
        double slowestMs = 0;
        var total = Stopwatch.StartNew();
        var sw = new Stopwatch();
        for (int i = 0; i < count; i++)
        {
            string input = ManifestMutator.Mutate(seeds[i % seeds.Length], random);
            sw.Restart();
            try
            {
                var read = ManifestReader.ReadBytes(Encoding.UTF8.GetBytes(input), "fuzz.yaml");
                ManifestValidator.ValidateSet(read.Documents, i % 2 == 0 ? options : new ValidationOptions { Target = ValidationTarget.Karpenter });
            }
            catch (Exception e)
            {
                exceptions++;
                Console.Error.WriteLine($"case {i}: {e.GetType().Name}: {e.Message}");
            }

            slowestMs = Math.Max(slowestMs, sw.Elapsed.TotalMilliseconds);
        }

        return $"fuzzCases={count} exceptions={exceptions} slowestMs={slowestMs:F1} totalMs={total.Elapsed.TotalMilliseconds:F0}";
    }
}
