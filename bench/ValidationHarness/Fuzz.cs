using System.Diagnostics;
using System.Text;
using EksAutoMode.Engine.Manifests;
using EksAutoMode.Engine.Validation;
using EksAutoMode.Tests.Unit.Validation;

/// <summary>
/// The bench's fuzz run: the mutations of tests/Unit/Validation/FuzzTests.cs plus, every 50th case, a hostile input
/// (ManifestMutator.Hostile: alias bombs, deep nesting, long lines, big scalars, many aliases/documents). Each case
/// goes through the gate's path (ValidationRun: reader with its budgets, kind recognition, validation). Reports
/// cases, unhandled exceptions, cases over 1 s, the slowest case, and peak memory (managed heap sampled after each
/// case, and the process's peak working set).
/// </summary>
internal static class Fuzz
{
    private static string Describe(string input) => $"{input.Length:N0} chars, starts {System.Text.Json.JsonSerializer.Serialize(input[..Math.Min(40, input.Length)])}";

    public static string Run(string[] seeds, int count)
    {
        var random = new Random(20261128);
        var options = new ValidationOptions();
        var karpenter = new ValidationOptions { Target = ValidationTarget.Karpenter };
        foreach (var seed in seeds)
        {
            new ValidationRun(options).AddText(seed);
        }

        using var process = Process.GetCurrentProcess();
        int exceptions = 0, overOneSecond = 0, cpuOverOneSecond = 0, hostile = 0;
        double slowestCpuMs = 0;
        long documents = 0;
        double slowestMs = 0;
        string slowestKind = "";
        long peakHeap = 0;
        var total = Stopwatch.StartNew();
        var sw = new Stopwatch();
        for (int i = 0; i < count; i++)
        {
            bool isHostile = i % 50 == 49;
            string input = isHostile ? ManifestMutator.Hostile(random) : ManifestMutator.Mutate(seeds[i % seeds.Length], random);
            hostile += isHostile ? 1 : 0;
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            sw.Restart();
            try
            {
                var run = new ValidationRun(i % 2 == 0 ? options : karpenter);
                run.Add(i % 3 == 0 ? ManifestReader.ReadBytes(Encoding.UTF8.GetBytes(input), "fuzz.yaml") : ManifestReader.ReadText(input, "fuzz.yaml"), "fuzz.yaml");
                run.Finish();
                documents += Math.Max(1, run.ItemsRead);
            }
            catch (Exception e)
            {
                exceptions++;
                Console.Error.WriteLine($"case {i}: {e.GetType().Name}: {e.Message}");
            }

            double ms = sw.Elapsed.TotalMilliseconds;
            process.Refresh();
            double cpuMs = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds;   // all threads, GC included
            slowestCpuMs = Math.Max(slowestCpuMs, cpuMs);
            cpuOverOneSecond += cpuMs > 1000 ? 1 : 0;
            if (ms > 1000)
            {
                overOneSecond++;
                Console.Error.WriteLine($"case {i} ({(isHostile ? "hostile" : "mutated")}) took {ms:F0} ms wall, {cpuMs:F0} ms CPU: {Describe(input)}");
            }

            if (ms > slowestMs)
            {
                slowestMs = ms;
                slowestKind = isHostile ? "hostile" : "mutated";
            }

            if (isHostile || i % 100 == 0)
            {
                peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(false));
            }
        }

        long peakWorkingSet = Process.GetCurrentProcess().PeakWorkingSet64;
        return $"fuzzCases={count} hostileCases={hostile} documents={documents} exceptions={exceptions} overOneSecond={overOneSecond} cpuOverOneSecond={cpuOverOneSecond} slowestMs={slowestMs:F1} slowestCpuMs={slowestCpuMs:F1} slowestKind={slowestKind} peakHeapMB={peakHeap / 1048576.0:F0} peakWorkingSetMB={peakWorkingSet / 1048576.0:F0} totalMs={total.Elapsed.TotalMilliseconds:F0}";
    }
}
