using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EksAutoMode.Tests.Unit.Aws;

/// <summary>
/// Starts the loopback sandbox (tests/Sandbox, published by build.ps1 to out/sandbox) with the
/// Get-AutoModeCluster scenario and reads its JSON start line. Found through EKSAUTOMODE_SANDBOX_PATH or
/// out/sandbox/EksAutoMode.Sandbox.dll under the repository root.
/// </summary>
public sealed class SandboxProcess : IDisposable
{
    private readonly Process _process;
    private static readonly HttpClient Admin = new() { Timeout = TimeSpan.FromSeconds(10) };

    public SandboxProcess(bool tls, string? faults = null, string? scenario = null, int generateNodes = 0)
    {
        string dll = SandboxPath ?? throw new InvalidOperationException(SkipReason);
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (string a in new[] { dll, "--scenario", scenario ?? ScenarioPath, "--port", "0", "--exit-on-stdin-close", "--seed", "7" })
        {
            psi.ArgumentList.Add(a);
        }

        if (generateNodes > 0)
        {
            psi.ArgumentList.Add("--generate-nodes");
            psi.ArgumentList.Add(generateNodes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (tls)
        {
            psi.ArgumentList.Add("--tls");
        }

        if (faults is not null)
        {
            psi.ArgumentList.Add("--faults");
            psi.ArgumentList.Add(faults);
        }

        _process = Process.Start(psi)!;
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        Task<string?> line = _process.StandardOutput.ReadLineAsync();
        if (!line.Wait(TimeSpan.FromSeconds(60)) || line.Result is null)
        {
            Dispose();
            throw new InvalidOperationException("The sandbox did not print its start line within 60 s.");
        }

        Info = JsonNode.Parse(line.Result)!.AsObject();
    }

    public JsonObject Info { get; }
    public string AwsEndpoint => Info["awsEndpointUrl"]!.GetValue<string>();
    public string AdminUrl => Info["adminUrl"]!.GetValue<string>();
    public string Region => Info["region"]!.GetValue<string>();

    public JsonObject Identity(string accessKeyPrefix) => Info["identities"]!.AsArray().Select(i => i!.AsObject())
        .First(i => i["accessKeyId"]!.GetValue<string>().StartsWith(accessKeyPrefix, StringComparison.Ordinal));

    public static string? RepoRoot
    {
        get
        {
            if (Environment.GetEnvironmentVariable("EKSAUTOMODE_REPO_ROOT") is { Length: > 0 } r && Directory.Exists(r))
            {
                return r;
            }

            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "EksAutoMode.sln")))
                {
                    return dir.FullName;
                }
            }

            return null;
        }
    }

    public static string? SandboxPath
    {
        get
        {
            if (Environment.GetEnvironmentVariable("EKSAUTOMODE_SANDBOX_PATH") is { Length: > 0 } p && File.Exists(p))
            {
                return p;
            }

            string? root = RepoRoot;
            string candidate = root is null ? string.Empty : Path.Combine(root, "out", "sandbox", "EksAutoMode.Sandbox.dll");
            return File.Exists(candidate) ? candidate : null;
        }
    }

    public static string ScenarioPath => Path.Combine(RepoRoot ?? ".", "tests", "Pester", "TestData", "Aws", "clusters.scenario.yaml");

    public const string SkipReason = "The sandbox is not built (run ./build.ps1 -Task Build, or set EKSAUTOMODE_SANDBOX_PATH).";

    public async Task SetFaultsAsync(string spec)
    {
        using var response = await Admin.PutAsync(AdminUrl + "/faults", new StringContent(spec));
        response.EnsureSuccessStatusCode();
        using var reset = await Admin.PostAsync(AdminUrl + "/requests/reset", null);
        reset.EnsureSuccessStatusCode();
    }

    /// <summary>Requests the sandbox received for operations whose name contains <paramref name="operation"/>.</summary>
    public async Task<long> RequestCountAsync(string operation)
    {
        JsonObject counts = (await Admin.GetFromJsonAsync<JsonObject>(AdminUrl + "/requests"))!;
        return counts["operations"]!.AsObject().Where(kv => kv.Key.EndsWith(operation, StringComparison.Ordinal)).Sum(kv => kv.Value!.GetValue<long>());
    }

    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(5000))
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }
}

/// <summary>A fact that is skipped, with the reason shown, when the sandbox is not built.</summary>
public sealed class SandboxFactAttribute : FactAttribute
{
    public SandboxFactAttribute()
    {
        if (SandboxProcess.SandboxPath is null)
        {
            Skip = SandboxProcess.SkipReason;
        }
    }
}
