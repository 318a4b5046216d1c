using System.Diagnostics;
using EksAutoMode.Engine.Manifests;
using EksAutoMode.Engine.Validation;
using YamlDotNet.RepresentationModel;

// Usage: ValidationHarness <examples-dir> [documents=10000] [rounds=3]
// Builds N documents by cycling the example manifests (each with a unique name), then measures, best of rounds:
//   baseline: YamlDotNet parse-only (YamlStream.Load of each document: the full node tree, no validation);
//   engine:   ManifestReader.ReadText + ManifestValidator.Validate of each document (read + schema + CEL + policy).
// Or: ValidationHarness <examples-dir> fuzz <cases>
string dir = args.Length > 0 ? args[0] : "examples";
if (args.Length > 2 && args[1] == "fuzz")
{
    var fuzzSeeds = Directory.GetFiles(dir, "*.yaml", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal).Select(File.ReadAllText).ToArray();
    Console.WriteLine(Fuzz.Run(fuzzSeeds, int.Parse(args[2])));
    return;
}

int count = args.Length > 1 ? int.Parse(args[1]) : 10_000;
int rounds = args.Length > 2 ? int.Parse(args[2]) : 3;
var seeds = Directory.GetFiles(dir, "*.yaml", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal).Select(File.ReadAllText).ToArray();
var docs = new string[count];
for (int i = 0; i < count; i++)
{
    string s = seeds[i % seeds.Length];
    // Unique name and expireAfter per document, so repeated values do not make every document identical.
    docs[i] = s.Replace("\n  name: ", $"\n  name: n{i}-").Replace("expireAfter: 336h", $"expireAfter: {(i % 480) + 1}h").Replace("expireAfter: 480h", $"expireAfter: {(i % 400) + 1}h");
}

var options = new ValidationOptions();
long findings = 0;

double Baseline()
{
    var sw = Stopwatch.StartNew();
    foreach (var d in docs)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(d));
    }

    return sw.Elapsed.TotalMilliseconds;
}

double Engine()
{
    findings = 0;
    var sw = Stopwatch.StartNew();
    foreach (var d in docs)
    {
        var read = ManifestReader.ReadText(d);
        foreach (var doc in read.Documents)
        {
            findings += ManifestValidator.Validate(doc, options).Count;
        }
    }

    return sw.Elapsed.TotalMilliseconds;
}

// Warm-up (JIT, schema load, CEL compile) outside the measurement.
Baseline();
Engine();
double b = double.MaxValue, e = double.MaxValue;
for (int r = 0; r < rounds; r++)
{
    b = Math.Min(b, Baseline());
    e = Math.Min(e, Engine());
}

if (Environment.GetEnvironmentVariable("EAM_PROFILE") == "2")
{
    string[] samples = { docs[0], docs[1], docs[2], docs[0].Substring(docs[0].IndexOf("apiVersion")), "a: b\n", "kind: NodePool\nspec:\n  x: [1, 2\n", "kind: NodePool\nspec:\n\tx: 1\n", "kind: A\nb: c\n  d: e\n", docs[0] };
    foreach (var sample in samples)
    {
        var sw2 = Stopwatch.StartNew();
        for (int i = 0; i < 2000; i++) { ManifestReader.ReadText(sample); }
        Console.WriteLine($"{sw2.Elapsed.TotalMilliseconds / 2000 * 1000:F1} us: {sample.Split('\n')[0]}... problems={ManifestReader.ReadText(sample).Problems.Count}");
    }
}

if (Environment.GetEnvironmentVariable("EAM_PROFILE") == "1")
{
    var parsed = docs.Select(d => ManifestReader.ReadText(d).Documents[0]).ToArray();
    var sw1 = Stopwatch.StartNew();
    foreach (var d in docs) { ManifestReader.ReadText(d); }
    Console.WriteLine($"read only: {sw1.Elapsed.TotalMilliseconds:F1}");
    sw1.Restart();
    foreach (var d in parsed) { ManifestValidator.Validate(d, new ValidationOptions { PolicyRules = false }); }
    Console.WriteLine($"validate (no policy): {sw1.Elapsed.TotalMilliseconds:F1}");
    sw1.Restart();
    foreach (var d in parsed) { ManifestValidator.Validate(d, options); }
    Console.WriteLine($"validate: {sw1.Elapsed.TotalMilliseconds:F1}");
}

Console.WriteLine($"documents={count} baselineMs={b:F1} engineMs={e:F1} ratio={e / b:F3} findings={findings}");
