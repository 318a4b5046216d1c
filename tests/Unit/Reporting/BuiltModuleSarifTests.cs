using System.Diagnostics;
using System.Text.Json;
using static EksAutoMode.Tests.Unit.Reporting.ReportTestHelpers;

namespace EksAutoMode.Tests.Unit.Reporting;

/// <summary>
/// The SARIF that the built module (out/EksAutoMode, laid out by ./build.ps1 before the tests run) writes for
/// real manifests validates against the OASIS schema. Runs the repository's pinned pwsh (dotnet tool).
/// </summary>
public class BuiltModuleSarifTests
{
    [Fact]
    public async Task ExportAutoModeFindingWritesSchemaValidSarifForRealManifests()
    {
        string module = Path.Combine(TestPaths.RepoRoot, "out", "EksAutoMode", "EksAutoMode.psd1");
        Assert.True(File.Exists(module), $"The built module is missing at {module}: run ./build.ps1 -Task Build (./build.ps1 -Task Test does) first.");

        string work = Path.Combine(Path.GetTempPath(), "eam-sarif-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(work, "k8s"));
        try
        {
            foreach (string f in Directory.EnumerateFiles(Path.Combine(TestPaths.Examples, "automode"), "*.yaml"))
            {
                File.Copy(f, Path.Combine(work, "k8s", Path.GetFileName(f)));
            }

            File.Copy(Path.Combine(AppContext.BaseDirectory, "TestData", "Reporting", "invalid-manifests.yaml"), Path.Combine(work, "k8s", "bad pool.yaml"));
            File.WriteAllText(Path.Combine(work, "k8s", "broken.yaml"), "kind: NodePool\n  bad: [\n");
            string sarifPath = Path.Combine(work, "out", "results.sarif");
            string script = $"Import-Module '{module}'; Set-Location '{work}'; "
                + "Test-AutoModeManifest ./k8s -PassThru | Export-AutoModeFinding -Format Sarif -Path ./out/results.sarif; exit 0";

            var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = TestPaths.RepoRoot, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string a in new[] { "tool", "run", "pwsh", "--", "-NoProfile", "-NonInteractive", "-Command", script })
            {
                psi.ArgumentList.Add(a);
            }

            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(180)))
            {
                try
                {
                    await p.WaitForExitAsync(timeout.Token); // generous hang guard
                }
                catch (OperationCanceledException)
                {
                    p.Kill(entireProcessTree: true);
                    throw;
                }
            }

            string output = await stdout + await stderr;
            Assert.True(p.ExitCode == 0, $"pwsh exited {p.ExitCode}: {output}");
            Assert.True(File.Exists(sarifPath), "no SARIF file written: " + output);

            string sarif = File.ReadAllText(sarifPath);
            Assert.Empty(SchemaErrors(sarif));

            var run = JsonDocument.Parse(sarif).RootElement.GetProperty("runs")[0];
            var results = run.GetProperty("results").EnumerateArray().ToList();
            var ruleIds = results.Select(r => r.GetProperty("ruleId").GetString()).ToHashSet();
            Assert.Contains("AM-NP-001", ruleIds);
            Assert.Contains("AM-NC-001", ruleIds);
            Assert.Contains(ruleIds, id => id!.StartsWith("INPUT-", StringComparison.Ordinal));
            var uris = results.Select(r => r.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString()).ToHashSet();
            Assert.Contains("k8s/bad%20pool.yaml", uris);
            Assert.Contains("k8s/broken.yaml", uris);
            Assert.All(results, r => Assert.True(r.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("region").GetProperty("startLine").GetInt32() > 0));
            Assert.DoesNotContain(results, r => r.GetProperty("ruleId").GetString() == "OK");
            Assert.Empty(Directory.GetFiles(Path.Combine(work, "out"), "*.tmp"));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
