using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EksAutoMode.Sandbox.Aws;
using EksAutoMode.Sandbox.Core;
using EksAutoMode.Sandbox.Kube;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EksAutoMode.Sandbox;

internal sealed class Options
{
    public string Scenario = "automode";
    public int Port;
    public bool Tls;
    public int Seed = 1;
    public int GenerateNodes;
    public int? PodsPerNode;
    public string? Faults;
    public bool ExitOnStdinClose;
    public bool Verbose;
    public bool NoStaticToken;
    public string? ControllerSteps;

    public static Options Parse(string[] args)
    {
        var o = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int NextInt() => int.TryParse(Next(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : throw new ArgumentException($"{args[i - 1]} needs a non-negative integer.");
            switch (args[i])
            {
                case "--scenario": o.Scenario = Next(); break;
                case "--port": o.Port = NextInt(); break;
                case "--tls": o.Tls = true; break;
                case "--seed": o.Seed = NextInt(); break;
                case "--generate-nodes": o.GenerateNodes = NextInt(); break;
                case "--pods-per-node": o.PodsPerNode = NextInt(); break;
                case "--faults": o.Faults = Next(); break;
                case "--exit-on-stdin-close": o.ExitOnStdinClose = true; break;
                case "--verbose": o.Verbose = true; break;
                case "--no-static-token": o.NoStaticToken = true; break;
                case "--controller-steps": o.ControllerSteps = Next(); break;
                case "--help" or "-h":
                    Console.Error.WriteLine("EksAutoMode.Sandbox --scenario <name-or-path> [--port 0] [--tls] [--seed N] [--generate-nodes N] [--pods-per-node N] [--faults \"op=kind[:ms][@p][#n];...\"] [--exit-on-stdin-close] [--no-static-token] [--controller-steps \"drain=2s,terminate=2s,launch=2s,ready=2s,podStart=1s\"] [--verbose]");
                    Environment.Exit(0);
                    break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'. Use --help.");
            }
        }
        return o;
    }
}

public static class Program
{
    internal static bool Verbose;

    public static int Main(string[] args)
    {
        Options opt;
        World world;
        Faults faults;
        try
        {
            opt = Options.Parse(args);
            Verbose = opt.Verbose;
            faults = new Faults(opt.Seed, opt.Faults);
            world = ScenarioLoader.Load(ScenarioLoader.Resolve(opt.Scenario), opt.Seed, opt.GenerateNodes, opt.PodsPerNode);
            if (opt.NoStaticToken) world.StaticToken = "";
            if (opt.ControllerSteps != null) world.Steps = EksAutoMode.Sandbox.Controllers.StepTimes.Parse(opt.ControllerSteps, world.Steps);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or FileNotFoundException or InvalidDataException or InvalidOperationException or YamlDotNet.Core.YamlException)
        {
            Console.Error.WriteLine($"sandbox: {e.Message}");
            return 2;
        }
        SandboxHost host;
        try
        {
            host = SandboxHost.Start(opt, world, faults);
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"sandbox: cannot listen: {e.Message}");
            return 3;
        }
        Console.Out.WriteLine(host.Info.ToJsonString());
        Console.Out.Flush();
        if (opt.ExitOnStdinClose)
        {
            var t = new Thread(() =>
            {
                try { while (Console.In.ReadLine() != null) { } } catch (IOException) { }
                host.Lifetime?.StopApplication();
            }) { IsBackground = true, Name = "stdin-watch" };
            t.Start();
        }
        host.App.WaitForShutdown();
        host.DeleteFiles();
        return 0;
    }
}

/// <summary>A running sandbox (also used in-process by the xUnit tests).</summary>
internal sealed class SandboxHost : IAsyncDisposable
{
    public WebApplication App = null!;
    public JsonObject Info = null!;
    public World World = null!;
    public Faults Faults = null!;
    public RequestCounter Counter = null!;
    public IHostApplicationLifetime? Lifetime;
    public string? CaPath;

    public static SandboxHost Start(string scenario, int seed = 1, int generateNodes = 0, string? faults = null, bool tls = false, int? podsPerNode = null)
    {
        var opt = new Options { Scenario = scenario, Seed = seed, GenerateNodes = generateNodes, Faults = faults, Tls = tls, PodsPerNode = podsPerNode };
        var f = new Faults(seed, faults);
        var w = ScenarioLoader.Load(ScenarioLoader.Resolve(scenario), seed, generateNodes, podsPerNode);
        return Start(opt, w, f);
    }

    public void DeleteFiles()
    {
        if (CaPath != null) try { File.Delete(CaPath); } catch (IOException) { }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var c in World.Clusters) c.Controllers?.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        DeleteFiles();
    }

    internal static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>
    /// Starts the host. With --port 0 each listener gets a port the OS just handed out, which another process (or a
    /// sandbox started in parallel in the same test process) can take before Kestrel binds it: then it starts again
    /// on fresh ports, a few times, instead of failing with "address already in use".
    /// </summary>
    internal static SandboxHost Start(Options opt, World world, Faults faults)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return StartOnce(opt, world, faults);
            }
            catch (IOException e) when (opt.Port == 0 && attempt < 5 && e.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } or Microsoft.AspNetCore.Connections.AddressInUseException)
            {
                Console.Error.WriteLine($"sandbox: {e.Message}; retrying on other ports");
            }
        }
    }

    private static SandboxHost StartOnce(Options opt, World world, Faults faults)
    {
        var n = world.Clusters.Count;
        var ports = new int[n + 2];
        for (var i = 0; i < ports.Length; i++) ports[i] = opt.Port == 0 ? FreePort() : opt.Port + i;
        var awsPort = ports[n];
        var adminPort = ports[n + 1];
        var scheme = opt.Tls ? "https" : "http";

        var (caPem, serverCert) = Tls.Create();
        world.CaPem = caPem;
        string? caPath = null;
        if (opt.Tls)
        {
            caPath = Path.Combine(Path.GetTempPath(), $"eksautomode-sandbox-ca-{Environment.ProcessId}-{awsPort}.pem");
            File.WriteAllText(caPath, caPem);
        }
        for (var i = 0; i < n; i++)
        {
            world.Clusters[i].Port = ports[i];
            world.Clusters[i].KubernetesUrl = $"{scheme}://127.0.0.1:{ports[i]}";
        }
        var awsHost = $"127.0.0.1:{awsPort}";
        var counter = new RequestCounter();
        var aws = new AwsApi(world, faults, counter);
        foreach (var cl in world.Clusters) cl.Kube.StartHistory();
        var kube = new KubeApi(world, faults, counter, awsHost);
        var byPort = world.Clusters.ToDictionary(c => c.Port);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        if (opt.Verbose) builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).AddFilter("Microsoft", LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 8 * 1024 * 1024;
            foreach (var p in ports.Take(n + 1))
                k.Listen(IPAddress.Loopback, p, lo =>
                {
                    lo.Protocols = opt.Tls ? HttpProtocols.Http1AndHttp2 : HttpProtocols.Http1;
                    if (opt.Tls) lo.UseHttps(serverCert);
                });
            k.Listen(IPAddress.Loopback, adminPort, lo => lo.Protocols = HttpProtocols.Http1);
        });
        var app = builder.Build();
        app.Run(async ctx =>
        {
            var port = ctx.Connection.LocalPort;
            try
            {
                if (port == awsPort) await aws.Handle(ctx);
                else if (port == adminPort) await Admin.Handle(ctx, world, faults, counter);
                else if (byPort.TryGetValue(port, out var c)) await kube.Handle(ctx, c);
                else ctx.Response.StatusCode = 404;
            }
            catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
            {
            }
            catch (Exception e) when (!ctx.Response.HasStarted)
            {
                Console.Error.WriteLine($"sandbox: internal error on {ctx.Request.Method} {ctx.Request.Path}: {e}");
                ctx.Response.StatusCode = 500;
                ctx.Response.ContentType = "text/plain";
                await ctx.Response.WriteAsync("sandbox internal error: " + e.Message);
            }
        });

        var lifetime = app.Services.GetService(typeof(IHostApplicationLifetime)) as IHostApplicationLifetime;
        try
        {
            app.Start();
        }
        catch
        {
            ((IDisposable)app).Dispose();
            if (caPath is not null) File.Delete(caPath);
            throw;
        }

        var first = world.Identities[0];
        var info = new JsonObject
        {
            ["kubernetesUrl"] = world.Clusters.FirstOrDefault()?.KubernetesUrl,
            ["awsEndpointUrl"] = $"{scheme}://{awsHost}",
            ["adminUrl"] = $"http://127.0.0.1:{adminPort}",
            ["caPemPath"] = caPath,
            ["region"] = world.Region,
            ["accountId"] = world.AccountId,
            ["accessKeyId"] = first.AccessKeyId,
            ["secretAccessKey"] = first.SecretAccessKey,
            ["sessionToken"] = first.SessionToken,
            ["staticToken"] = world.StaticToken.Length == 0 ? null : world.StaticToken,
            ["scenario"] = world.ScenarioName,
            ["pid"] = Environment.ProcessId,
            ["clusters"] = new JsonArray(world.Clusters.Select(c => (JsonNode)new JsonObject { ["name"] = c.Name, ["region"] = c.Region, ["kubernetesUrl"] = c.KubernetesUrl }).ToArray()),
            ["identities"] = new JsonArray(world.Identities.Select(i => (JsonNode)new JsonObject
            {
                ["arn"] = i.Arn, ["accessKeyId"] = i.AccessKeyId, ["secretAccessKey"] = i.SecretAccessKey, ["sessionToken"] = i.SessionToken, ["expired"] = i.Expired,
            }).ToArray()),
        };
        return new SandboxHost { App = app, Info = info, World = world, Faults = faults, Counter = counter, Lifetime = lifetime, CaPath = caPath };
    }
}

/// <summary>A throwaway CA and a 127.0.0.1/localhost server certificate it signs (ECDSA P-256).</summary>
internal static class Tls
{
    public static (string CaPem, X509Certificate2 Server) Create()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caReq = new CertificateRequest("CN=EksAutoMode Sandbox CA", caKey, HashAlgorithmName.SHA256);
        caReq.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 1, true));
        caReq.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        caReq.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caReq.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        using var ca = caReq.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        san.AddDnsName("kubernetes");
        san.AddDnsName("kubernetes.default.svc");
        req.CertificateExtensions.Add(san.Build());
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        req.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var leaf = req.Create(ca, now.AddDays(-1), now.AddDays(29), serial);
        using var withKey = leaf.CopyWithPrivateKey(key);
        var server = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        return (ca.ExportCertificatePem() + "\n", server);
    }
}

/// <summary>Admin endpoint (plain HTTP on loopback): request counts, faults, continue-token compaction.</summary>
internal static class Admin
{
    public static async Task Handle(HttpContext ctx, World w, Faults faults, RequestCounter counter)
    {
        var path = ctx.Request.Path.Value?.TrimEnd('/') ?? "";
        var method = ctx.Request.Method;
        JsonNode result;
        switch (path, method)
        {
            case ("/healthz", _):
                result = new JsonObject { ["status"] = "ok" };
                break;
            case ("/requests", "GET"):
            {
                var snap = counter.Snapshot();
                var ops = new JsonObject();
                foreach (var (k, v) in snap) ops[k] = v;
                result = new JsonObject { ["total"] = snap.Values.Sum(), ["operations"] = ops };
                break;
            }
            case ("/requests/reset", "POST") or ("/requests", "DELETE"):
                counter.Reset();
                result = new JsonObject { ["reset"] = true };
                break;
            case ("/faults", "GET"):
            {
                var inj = new JsonObject();
                foreach (var (k, v) in faults.Injected.OrderBy(x => x.Key, StringComparer.Ordinal)) inj[k] = v;
                result = new JsonObject { ["spec"] = faults.Spec, ["seed"] = faults.Seed, ["injected"] = inj };
                break;
            }
            case ("/faults", "PUT" or "POST"):
            {
                using var sr = new StreamReader(ctx.Request.Body);
                var spec = await sr.ReadToEndAsync();
                try
                {
                    faults.Set(spec.Trim());
                    faults.ResetCounters();
                }
                catch (FormatException e)
                {
                    ctx.Response.StatusCode = 400;
                    result = new JsonObject { ["error"] = e.Message };
                    break;
                }
                result = new JsonObject { ["spec"] = faults.Spec };
                break;
            }
            case ("/compact", "POST"):
            {
                var name = ctx.Request.Query["cluster"].ToString();
                var done = new JsonArray();
                foreach (var c in w.Clusters.Where(c => name.Length == 0 || c.Name == name))
                {
                    c.Kube.Compact();
                    done.Add(c.Name);
                }
                result = new JsonObject { ["compacted"] = done };
                break;
            }
            default:
                ctx.Response.StatusCode = 404;
                result = new JsonObject { ["error"] = $"unknown admin path {method} {path}", ["paths"] = new JsonArray("GET /requests", "POST /requests/reset", "GET /faults", "PUT /faults", "POST /compact[?cluster=]", "GET /healthz") };
                break;
        }
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(result.ToJsonString());
    }
}
