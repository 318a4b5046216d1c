namespace EksAutoMode.Sandbox.Tests;

/// <summary>
/// One in-process sandbox: as a class fixture it is shared by a test class; a test class deriving from it gets a
/// fresh sandbox per test (for tests that write). With TLS the client trusts the sandbox's own CA and the real
/// clients (kubectl needs TLS for tokens) are available.
/// </summary>
public abstract class ScenarioFixture(string scenario, bool tls = false, int generateNodes = 0, int? podsPerNode = null) : IAsyncLifetime
{
    internal SandboxHost Host = null!;
    internal TestClient Client = null!;
    internal RealClients Real = null!;

    public Task InitializeAsync()
    {
        Host = SandboxHost.Start(scenario, generateNodes: generateNodes, tls: tls, podsPerNode: podsPerNode);
        Client = tls
            ? new TestClient(Host, new SocketsHttpHandler { UseProxy = false, SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } })
            : new TestClient(Host);
        Real = new RealClients(Host);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        Real.Dispose();
        Client.Dispose();
        await Host.DisposeAsync();
    }
}

/// <summary>automode, shared by a test class.</summary>
public sealed class AutomodeFixture() : ScenarioFixture("automode");

/// <summary>automode plus 5,000 generated Auto Mode nodes (10 pods each).</summary>
public sealed class GeneratedFixture() : ScenarioFixture("automode", generateNodes: 5000);

/// <summary>automode over TLS with kubectl / aws CLI (tests using it write).</summary>
public sealed class TlsAutomodeFixture() : ScenarioFixture("automode", tls: true);

/// <summary>The mixed fleet over TLS with kubectl / aws CLI.</summary>
public sealed class MixedTlsFixture() : ScenarioFixture("mixed", tls: true);

/// <summary>The diagnosis cases.</summary>
public sealed class DiagnosisFixture() : ScenarioFixture("diagnosis");

/// <summary>The readiness hazard cluster (launch templates, AMIs, Pod Identity, insights, IAM roles to simulate).</summary>
public sealed class ReadinessHazardFixture() : ScenarioFixture("readiness-hazard");
