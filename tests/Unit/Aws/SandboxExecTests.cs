using EksAutoMode.Engine.Kubernetes;

namespace EksAutoMode.Tests.Unit.Aws;

/// <summary>A fact skipped (with the reason shown) when the sandbox or the aws CLI is missing.</summary>
public sealed class SandboxAwsCliFactAttribute : FactAttribute
{
    public SandboxAwsCliFactAttribute()
    {
        if (SandboxProcess.SandboxPath is null)
        {
            Skip = SandboxProcess.SkipReason;
        }
        else if (AwsCliPath is null)
        {
            Skip = "The aws CLI is not installed on this machine (needed as the kubeconfig exec plugin).";
        }
    }

    public static string? AwsCliPath => (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(d => Path.Combine(d, OperatingSystem.IsWindows() ? "aws.exe" : "aws"))
        .FirstOrDefault(File.Exists);
}

/// <summary>-KubeConfigPath with an exec plugin, as real EKS kubeconfigs have: `aws eks get-token`.</summary>
public class SandboxKubeconfigExecTests : IClassFixture<PlainSandbox>
{
    private readonly PlainSandbox _sandbox;

    public SandboxKubeconfigExecTests(PlainSandbox sandbox) => _sandbox = sandbox;

    [SandboxAwsCliFact]
    public async Task Kubeconfig_exec_plugin_aws_eks_get_token_works()
    {
        using var home = new AwsHome();
        var sb = _sandbox.Process;
        var admin = sb.Identity("AKIASBXCLUSTERADMIN");
        var cluster = sb.Info["clusters"]!.AsArray().Select(c => c!.AsObject()).First(c => c["name"]!.GetValue<string>() == "auto-prod");
        string server = cluster["kubernetesUrl"]!.GetValue<string>();
        string path = Path.Combine(home.Root, "exec.kubeconfig");
        File.WriteAllLines(path, new[]
        {
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "- name: auto-prod",
            $"  cluster: {{server: \"{server}\"}}",
            "users:",
            "- name: eks",
            "  user:",
            "    exec:",
            "      apiVersion: client.authentication.k8s.io/v1beta1",
            $"      command: {SandboxAwsCliFactAttribute.AwsCliPath}",
            $"      args: [eks, get-token, --cluster-name, auto-prod, --region, {sb.Region}]",
            "      interactiveMode: Never",
            "      env:",
            $"      - {{name: AWS_ACCESS_KEY_ID, value: \"{admin["accessKeyId"]!.GetValue<string>()}\"}}",
            $"      - {{name: AWS_SECRET_ACCESS_KEY, value: \"{admin["secretAccessKey"]!.GetValue<string>()}\"}}",
            "      - {name: AWS_EC2_METADATA_DISABLED, value: \"true\"}",
            "      - {name: AWS_CONFIG_FILE, value: /dev/null}",
            "      - {name: AWS_SHARED_CREDENTIALS_FILE, value: /dev/null}",
            "contexts:",
            "- name: auto-prod",
            "  context: {cluster: auto-prod, user: eks}",
            "current-context: auto-prod",
        });

        using KubernetesConnection connection = KubernetesConnection.FromKubeConfig(path, null);
        Assert.StartsWith("v1.33", await connection.GetServerVersionAsync().WaitAsync(TimeSpan.FromSeconds(120)));
        Assert.Contains("context 'auto-prod'", connection.Source);
    }
}
