using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using EksAutoMode.Sandbox.Core;

namespace EksAutoMode.Sandbox.Tests;

/// <summary>A test that runs a real third-party client (kubectl, aws CLI); reported as skipped, with the reason, where it is not installed.</summary>
public sealed class RealClientFactAttribute : FactAttribute
{
    public RealClientFactAttribute(params string[] tools)
    {
        var missing = tools.Where(t => RealClients.Find(t) == null).ToList();
        if (missing.Count > 0) Skip = $"{string.Join(" and ", missing)} not installed on this machine";
    }
}

/// <summary>Runs kubectl and the aws CLI against a sandbox with nothing but the scenario's credentials (no profile, no user config).</summary>
internal sealed class RealClients : IDisposable
{
    private readonly SandboxHost _host;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "eam-sbt-" + Guid.NewGuid().ToString("n"));

    public RealClients(SandboxHost host)
    {
        _host = host;
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, "empty"), "");
    }

    public static string? Find(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);

    /// <summary>aws … --endpoint-url &lt;sandbox&gt; --output json, parsed.</summary>
    public JsonNode Aws(params string[] args)
    {
        var info = _host.Info;
        var empty = Path.Combine(_dir, "empty");
        var env = new Dictionary<string, string?>
        {
            ["AWS_ACCESS_KEY_ID"] = info.Str("accessKeyId"), ["AWS_SECRET_ACCESS_KEY"] = info.Str("secretAccessKey"), ["AWS_SESSION_TOKEN"] = null,
            ["AWS_DEFAULT_REGION"] = info.Str("region"), ["AWS_REGION"] = info.Str("region"), ["AWS_PROFILE"] = null,
            ["AWS_CONFIG_FILE"] = empty, ["AWS_SHARED_CREDENTIALS_FILE"] = empty, ["AWS_CA_BUNDLE"] = _host.CaPath,
            ["AWS_EC2_METADATA_DISABLED"] = "true", ["AWS_PAGER"] = "",
        };
        var (code, stdout, stderr) = Run(Find("aws")!, [.. args, "--endpoint-url", info.Str("awsEndpointUrl")!, "--output", "json"], env);
        Assert.True(code == 0, $"aws {string.Join(' ', args)} exited {code}: {stderr}");
        return JsonNode.Parse(stdout)!;
    }

    /// <summary>kubectl … -o json against cluster <paramref name="cluster"/> with the static token (the sandbox must run with TLS: kubectl sends tokens only over TLS).</summary>
    public JsonNode Kubectl(int cluster, params string[] args)
    {
        var (code, stdout, stderr) = KubectlRaw(cluster, [.. args, "-o", "json"]);
        Assert.True(code == 0, $"kubectl {string.Join(' ', args)} exited {code}: {stderr}");
        return JsonNode.Parse(stdout)!;
    }

    public (int Code, string Out, string Err) KubectlRaw(int cluster, params string[] args)
    {
        if (_host.CaPath == null) throw new InvalidOperationException("kubectl needs a sandbox started with tls: true.");
        var path = Path.Combine(_dir, $"kubeconfig-{cluster}");
        var url = _host.Info["clusters"]![cluster].Str("kubernetesUrl");
        var ca = Convert.ToBase64String(Encoding.UTF8.GetBytes(File.ReadAllText(_host.CaPath)));
        File.WriteAllText(path, $"apiVersion: v1\nkind: Config\nclusters:\n- name: sb\n  cluster:\n    server: {url}\n    certificate-authority-data: {ca}\nusers:\n- name: sb\n  user:\n    token: {_host.World.StaticToken}\ncontexts:\n- name: sb\n  context:\n    cluster: sb\n    user: sb\ncurrent-context: sb\n");
        return Run(Find("kubectl")!, ["--kubeconfig", path, "--cache-dir", Path.Combine(_dir, "cache"), "--request-timeout", "30s", .. args], new Dictionary<string, string?> { ["KUBECONFIG"] = null, ["HOME"] = _dir });
    }

    private static (int, string, string) Run(string exe, string[] args, Dictionary<string, string?> env)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env)
        {
            if (v == null) psi.Environment.Remove(k);
            else psi.Environment[k] = v;
        }
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(exe)} {string.Join(' ', args)} did not finish within 120 s (hang guard).");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
