namespace EksAutoMode.Sandbox.Tests;

/// <summary>One in-process automode sandbox shared by a test class.</summary>
public sealed class AutomodeFixture : IAsyncLifetime
{
    internal SandboxHost Host = null!;
    internal TestClient Client = null!;

    public Task InitializeAsync()
    {
        Host = SandboxHost.Start("automode");
        Client = new TestClient(Host);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
    }
}

/// <summary>automode plus 5,000 generated Auto Mode nodes.</summary>
public sealed class GeneratedFixture : IAsyncLifetime
{
    internal SandboxHost Host = null!;
    internal TestClient Client = null!;

    public Task InitializeAsync()
    {
        Host = SandboxHost.Start("automode", generateNodes: 5000);
        Client = new TestClient(Host);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
    }
}
