using System.Net;
using System.Security.Cryptography;
using System.Text;
using EksAutoMode.Engine;
using EksAutoMode.Engine.Aws;

namespace EksAutoMode.Tests.Unit.Aws;

/// <summary>
/// Table-driven: every credential source, each set up together with every lower-priority source, so a test
/// fails if the order differs from AWS.Tools' (see docs/about_EksAutoMode_Credentials.md).
/// </summary>
public class CredentialResolutionTests
{
    private const string StsXml = """
        <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>
        <AccessKeyId>ASIAROLE</AccessKeyId><SecretAccessKey>rolesecret</SecretAccessKey><SessionToken>roletoken</SessionToken>
        <Expiration>2099-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>
        """;

    private sealed record Case(string Name, Action<AwsHome, AwsSessionOptions> Setup, string? ExpectedKey, string? ExpectedSource, string? ExpectedError = null);

    /// <summary>Sets up every source at or below <paramref name="level"/> (1 = explicit keys … 9 = default profile in config only).</summary>
    private static void AllSourcesFrom(int level, AwsHome home, AwsSessionOptions o)
    {
        var creds = new StringBuilder("[default]\naws_access_key_id = AKDEFAULT\naws_secret_access_key = s\n[named]\naws_access_key_id = AKNAMED\naws_secret_access_key = s\n[envprofile]\naws_access_key_id = AKENVPROFILE\naws_secret_access_key = s\n");
        home.Credentials(creds.ToString());
        if (level <= 1) { o.AccessKey = "AKEXPLICIT"; o.SecretKey = "s"; }
        if (level <= 2) { o.ProfileName = "named"; }
        if (level <= 3) { o.Credential = new AwsCredentials("AKCREDENTIAL", "s"); }
        if (level <= 4) { o.ShellCredential = new AwsCredentials("AKSHELL", "s"); }
        if (level <= 5) { home.Environment["AWS_ACCESS_KEY_ID"] = "AKENV"; home.Environment["AWS_SECRET_ACCESS_KEY"] = "s"; }
        if (level <= 6) { home.Environment["AWS_PROFILE"] = "envprofile"; }
    }

    private static IEnumerable<Case> Cases()
    {
        yield return new("explicit keys win over everything", (h, o) => AllSourcesFrom(1, h, o), "AKEXPLICIT", "-AccessKey/-SecretKey");
        yield return new("-ProfileName before -Credential, shell and environment", (h, o) => AllSourcesFrom(2, h, o), "AKNAMED", "profile 'named'");
        yield return new("-Credential before shell and environment", (h, o) => AllSourcesFrom(3, h, o), "AKCREDENTIAL", "-Credential");
        yield return new("shell credentials before environment", (h, o) => AllSourcesFrom(4, h, o), "AKSHELL", "Set-AWSCredential");
        yield return new("environment keys before AWS_PROFILE and default", (h, o) => AllSourcesFrom(5, h, o), "AKENV", "AWS_ACCESS_KEY_ID");
        yield return new("AWS_PROFILE before the default profile", (h, o) => AllSourcesFrom(6, h, o), "AKENVPROFILE", "profile 'envprofile'");
        yield return new("default profile", (h, o) => AllSourcesFrom(7, h, o), "AKDEFAULT", "profile 'default'");
        yield return new("default profile from the config file only", (h, o) =>
            h.Config("[default]\nregion = eu-west-1\naws_access_key_id = AKCONFIG\naws_secret_access_key = s\n"), "AKCONFIG", "profile 'default'");
        yield return new("-SessionToken is used with explicit keys", (h, o) => { o.AccessKey = "AKEXPLICIT"; o.SecretKey = "s"; o.SessionToken = "tok"; }, "AKEXPLICIT", "-AccessKey");
        yield return new("-AccessKey without -SecretKey is an error", (h, o) => { o.AccessKey = "AK"; }, null, null, "AwsIncompleteCredentials");
        yield return new("a missing -ProfileName is an error even when a default profile exists", (h, o) =>
        {
            AllSourcesFrom(7, h, o);
            o.ProfileName = "typo";
        }, null, null, "AwsProfileNotFound");
        yield return new("a missing AWS_PROFILE is an error", (h, o) =>
        {
            AllSourcesFrom(7, h, o);
            h.Environment["AWS_PROFILE"] = "nope";
        }, null, null, "AwsProfileNotFound");
        yield return new("-ProfileLocation replaces the credentials file", (h, o) =>
        {
            AllSourcesFrom(7, h, o);
            string other = Path.Combine(h.Root, "other-credentials");
            File.WriteAllText(other, "[alt]\naws_access_key_id = AKALT\naws_secret_access_key = s\n");
            o.ProfileName = "alt";
            o.ProfileLocation = other;
        }, "AKALT", "other-credentials");
        yield return new("AWS_SHARED_CREDENTIALS_FILE is honoured", (h, o) =>
        {
            string other = Path.Combine(h.Root, "envfile");
            File.WriteAllText(other, "[default]\naws_access_key_id = AKENVFILE\naws_secret_access_key = s\n");
            h.Environment["AWS_SHARED_CREDENTIALS_FILE"] = other;
        }, "AKENVFILE", "envfile");
        yield return new("a profile without credentials is an error", (h, o) => { h.Config("[profile empty]\nregion = eu-west-1\n"); o.ProfileName = "empty"; }, null, null, "AwsProfileHasNoCredentials");
        yield return new("MFA roles are refused rather than prompting", (h, o) =>
        {
            h.Credentials("[base]\naws_access_key_id = AKBASE\naws_secret_access_key = s\n");
            h.Config("[profile mfa]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/me\n");
            o.ProfileName = "mfa";
        }, null, null, "AwsMfaRequired");
        yield return new("nothing configured", (h, o) => { }, null, null, "AwsNoCredentials");
        yield return new("credential_process", (h, o) =>
        {
            string script = Path.Combine(h.Root, "creds.sh");
            File.WriteAllText(script, "#!/bin/sh\necho '{\"Version\":1,\"AccessKeyId\":\"AKPROCESS\",\"SecretAccessKey\":\"s\",\"SessionToken\":\"t\",\"Expiration\":\"2099-01-01T00:00:00Z\"}'\n");
            h.Config($"[profile proc]\ncredential_process = /bin/sh {script}\n");
            o.ProfileName = "proc";
        }, "AKPROCESS", "credential_process");
    }

    public static IEnumerable<object[]> CaseNames() => Cases().Select(c => new object[] { c.Name });

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Resolves_in_AWS_Tools_order(string name)
    {
        if (name == "credential_process" && OperatingSystem.IsWindows())
        {
            return;
        }

        Case c = Cases().Single(x => x.Name == name);
        using var home = new AwsHome();
        AwsSessionOptions o = home.Options();
        o.Region = "eu-west-1";
        c.Setup(home, o);

        if (c.ExpectedError is not null)
        {
            var ex = await Assert.ThrowsAnyAsync<EngineException>(() => AwsSession.CreateAsync(o));
            Assert.Equal(c.ExpectedError, ex.ErrorId);
            Assert.DoesNotContain("s\n", ex.Message);
            return;
        }

        AwsSession session = await AwsSession.CreateAsync(o);
        AwsCredentials creds = await session.GetCredentialsAsync(CancellationToken.None);
        Assert.Equal(c.ExpectedKey, creds.AccessKeyId);
        Assert.Contains(c.ExpectedSource!, session.CredentialSource);
    }

    [Fact]
    public async Task Assume_role_profile_calls_STS_signed_with_the_source_profile()
    {
        using var home = new AwsHome();
        home.Credentials("[base]\naws_access_key_id = AKBASE\naws_secret_access_key = basesecret\n");
        home.Config("[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/Admin\nsource_profile = base\nexternal_id = ext-1\nregion = us-west-2\n");
        var handler = new FakeHandler((r, body) => FakeHandler.Xml(HttpStatusCode.OK, StsXml));
        AwsSessionOptions o = home.Options(handler);
        o.ProfileName = "admin";
        o.EndpointUrl = "http://127.0.0.1:9/";

        AwsSession session = await AwsSession.CreateAsync(o);
        AwsCredentials creds = await session.GetCredentialsAsync(CancellationToken.None);

        Assert.Equal("ASIAROLE", creds.AccessKeyId);
        Assert.Equal("roletoken", creds.SessionToken);
        Assert.Equal("us-west-2", session.Region);
        Assert.Contains("assumed role arn:aws:iam::123456789012:role/Admin", session.CredentialSource);
        var (request, sent) = Assert.Single(handler.Requests);
        Assert.Contains("Action=AssumeRole", sent);
        Assert.Contains("ExternalId=ext-1", sent);
        Assert.Contains("Credential=AKBASE/", string.Join(",", request.Headers.GetValues("Authorization")));
        Assert.Contains("/us-west-2/sts/aws4_request", string.Join(",", request.Headers.GetValues("Authorization")));
    }

    [Fact]
    public async Task Web_identity_from_environment_calls_STS_unsigned()
    {
        using var home = new AwsHome();
        string tokenFile = Path.Combine(home.Root, "token");
        File.WriteAllText(tokenFile, "eyJ.web.identity");
        home.Environment["AWS_WEB_IDENTITY_TOKEN_FILE"] = tokenFile;
        home.Environment["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/Irsa";
        var handler = new FakeHandler((r, body) => FakeHandler.Xml(HttpStatusCode.OK, StsXml.Replace("AssumeRole", "AssumeRoleWithWebIdentity")));
        AwsSessionOptions o = home.Options(handler);
        o.Region = "eu-west-1";
        o.EndpointUrl = "http://127.0.0.1:9/";

        AwsSession session = await AwsSession.CreateAsync(o);

        Assert.Equal("ASIAROLE", (await session.GetCredentialsAsync(CancellationToken.None)).AccessKeyId);
        var (request, sent) = Assert.Single(handler.Requests);
        Assert.False(request.Headers.Contains("Authorization"));
        Assert.Contains("WebIdentityToken=eyJ.web.identity", sent);
    }

    private static string SsoCacheFile(AwsHome home, string key)
    {
        string dir = Path.Combine(home.Root, ".aws", "sso", "cache");
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, Convert.ToHexString(SHA1.HashData(Encoding.UTF8.GetBytes(key))).ToLowerInvariant() + ".json");
    }

    private const string SsoConfig = "[profile sso]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Admin\nregion = eu-west-1\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n";

    [Fact]
    public async Task Sso_profile_with_a_valid_login_gets_role_credentials()
    {
        using var home = new AwsHome();
        home.Config(SsoConfig);
        File.WriteAllText(SsoCacheFile(home, "corp"), "{\"accessToken\":\"ssotoken\",\"expiresAt\":\"2099-01-01T00:00:00Z\"}");
        var handler = new FakeHandler((r, body) => FakeHandler.Json(HttpStatusCode.OK,
            "{\"roleCredentials\":{\"accessKeyId\":\"ASIASSO\",\"secretAccessKey\":\"x\",\"sessionToken\":\"y\",\"expiration\":4070908800000}}"));
        AwsSessionOptions o = home.Options(handler);
        o.ProfileName = "sso";
        o.EndpointUrl = "http://127.0.0.1:9/";

        AwsSession session = await AwsSession.CreateAsync(o);

        Assert.Equal("ASIASSO", (await session.GetCredentialsAsync(CancellationToken.None)).AccessKeyId);
        var (request, _) = Assert.Single(handler.Requests);
        Assert.Equal("/federation/credentials", request.RequestUri!.AbsolutePath);
        Assert.Contains("account_id=123456789012", request.RequestUri.Query);
        Assert.Equal("ssotoken", request.Headers.GetValues("x-amz-sso_bearer_token").Single());
    }

    [Fact]
    public async Task Expired_sso_login_is_a_clear_error_and_never_a_prompt()
    {
        using var home = new AwsHome();
        home.Config(SsoConfig);
        File.WriteAllText(SsoCacheFile(home, "corp"), "{\"accessToken\":\"ssotoken\",\"expiresAt\":\"2020-01-01T00:00:00Z\"}");
        var handler = new FakeHandler((r, body) => throw new InvalidOperationException("no call expected"));
        AwsSessionOptions o = home.Options(handler);
        o.ProfileName = "sso";

        var ex = await Assert.ThrowsAsync<EngineException>(() => AwsSession.CreateAsync(o));

        Assert.Equal("AwsSsoTokenExpired", ex.ErrorId);
        Assert.Equal(ErrorKind.AuthenticationError, ex.Kind);
        Assert.Contains("aws sso login --sso-session corp", ex.RecommendedAction);
        Assert.Contains("Invoke-AWSSSOLogin", ex.RecommendedAction);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Missing_sso_login_says_to_log_in()
    {
        using var home = new AwsHome();
        home.Config(SsoConfig);
        AwsSessionOptions o = home.Options();
        o.ProfileName = "sso";

        var ex = await Assert.ThrowsAsync<EngineException>(() => AwsSession.CreateAsync(o));

        Assert.Equal("AwsSsoLoginRequired", ex.ErrorId);
    }

    [Fact]
    public async Task Container_credentials_from_full_uri_with_authorization()
    {
        using var home = new AwsHome();
        home.Environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://127.0.0.1:9/creds";
        home.Environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "podauth";
        var handler = new FakeHandler((r, body) => FakeHandler.Json(HttpStatusCode.OK,
            "{\"AccessKeyId\":\"ASIACONTAINER\",\"SecretAccessKey\":\"x\",\"Token\":\"y\",\"Expiration\":\"2099-01-01T00:00:00Z\"}"));
        AwsSessionOptions o = home.Options(handler);
        o.Region = "eu-west-1";

        AwsSession session = await AwsSession.CreateAsync(o);

        Assert.Equal("ASIACONTAINER", (await session.GetCredentialsAsync(CancellationToken.None)).AccessKeyId);
        Assert.Contains("container credentials", session.CredentialSource);
        Assert.Equal("podauth", handler.Requests.Single().Request.Headers.GetValues("Authorization").Single());
    }

    [Fact]
    public async Task Instance_profile_through_IMDSv2_is_the_last_source_and_also_gives_the_region()
    {
        using var home = new AwsHome();
        home.Environment.Remove("AWS_EC2_METADATA_DISABLED");
        home.Environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = "http://127.0.0.1:9";
        var handler = new FakeHandler((r, body) =>
        {
            string path = r.RequestUri!.AbsolutePath;
            if (path == "/latest/api/token")
            {
                Assert.Equal(HttpMethod.Put, r.Method);
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("imdstoken") };
            }

            Assert.Equal("imdstoken", r.Headers.GetValues("X-aws-ec2-metadata-token").Single());
            return path switch
            {
                "/latest/meta-data/placement/region" => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("ap-southeast-2") },
                "/latest/meta-data/iam/security-credentials/" => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("NodeRole\n") },
                "/latest/meta-data/iam/security-credentials/NodeRole" => FakeHandler.Json(HttpStatusCode.OK,
                    "{\"AccessKeyId\":\"ASIAIMDS\",\"SecretAccessKey\":\"x\",\"Token\":\"y\",\"Expiration\":\"2099-01-01T00:00:00Z\"}"),
                _ => new HttpResponseMessage(HttpStatusCode.NotFound),
            };
        });

        AwsSession session = await AwsSession.CreateAsync(home.Options(handler));

        Assert.Equal("ASIAIMDS", (await session.GetCredentialsAsync(CancellationToken.None)).AccessKeyId);
        Assert.Equal("ap-southeast-2", session.Region);
        Assert.Contains("instance metadata", session.RegionSource);
        Assert.Contains("instance profile", session.CredentialSource);
    }

    [Fact]
    public async Task Temporary_credentials_are_refreshed_before_they_expire()
    {
        using var home = new AwsHome();
        var time = new ManualTime();
        int calls = 0;
        home.Environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://127.0.0.1:9/creds";
        var handler = new FakeHandler((r, body) =>
        {
            calls++;
            string exp = time.Now.AddMinutes(60).ToString("o");
            return FakeHandler.Json(HttpStatusCode.OK, $"{{\"AccessKeyId\":\"ASIA{calls}\",\"SecretAccessKey\":\"x\",\"Token\":\"y\",\"Expiration\":\"{exp}\"}}");
        });
        AwsSessionOptions o = home.Options(handler, time);
        o.Region = "eu-west-1";
        AwsSession session = await AwsSession.CreateAsync(o);

        time.Now = time.Now.AddMinutes(50);
        Assert.Equal("ASIA1", (await session.GetCredentialsAsync(CancellationToken.None)).AccessKeyId);
        time.Now = time.Now.AddMinutes(6);
        Assert.Equal("ASIA2", (await session.GetCredentialsAsync(CancellationToken.None)).AccessKeyId);
    }
}

public class RegionResolutionTests
{
    private sealed record Case(string Name, Action<AwsHome, AwsSessionOptions> Setup, string? Expected, string? Source, string? Error = null);

    private static void AllFrom(int level, AwsHome h, AwsSessionOptions o)
    {
        h.Credentials("[default]\naws_access_key_id = AK\naws_secret_access_key = s\n");
        h.Config("[default]\nregion = eu-central-1\n[profile named]\nregion = ap-south-1\n[profile envp]\nregion = ca-central-1\naws_access_key_id = AK\naws_secret_access_key = s\n");
        if (level <= 1) { o.Region = "us-west-2"; }
        if (level <= 2) { o.StoredRegion = "eu-north-1"; }
        if (level <= 3) { h.Environment["AWS_REGION"] = "sa-east-1"; }
    }

    private static IEnumerable<Case> Cases()
    {
        yield return new("-Region first", (h, o) => AllFrom(1, h, o), "us-west-2", "-Region");
        yield return new("$StoredAWSRegion before profile and environment", (h, o) => AllFrom(2, h, o), "eu-north-1", "$StoredAWSRegion");
        yield return new("profile before environment", (h, o) => AllFrom(3, h, o), "eu-central-1", "profile 'default'");
        yield return new("named profile's region", (h, o) =>
        {
            AllFrom(3, h, o);
            h.Credentials("[named]\naws_access_key_id = AK\naws_secret_access_key = s\n");
            o.ProfileName = "named";
        }, "ap-south-1", "profile 'named'");
        yield return new("AWS_REGION when no profile region", (h, o) =>
        {
            h.Environment["AWS_REGION"] = "sa-east-1";
            h.Environment["AWS_DEFAULT_REGION"] = "us-east-2";
            o.AccessKey = "AK"; o.SecretKey = "s";
        }, "sa-east-1", "AWS_REGION");
        yield return new("AWS_DEFAULT_REGION", (h, o) => { h.Environment["AWS_DEFAULT_REGION"] = "us-east-2"; o.AccessKey = "AK"; o.SecretKey = "s"; }, "us-east-2", "AWS_DEFAULT_REGION");
        yield return new("AWS_PROFILE's region", (h, o) =>
        {
            h.Config("[profile envp]\nregion = ca-central-1\naws_access_key_id = AK\naws_secret_access_key = s\n");
            h.Environment["AWS_PROFILE"] = "envp";
        }, "ca-central-1", "AWS_PROFILE");
        yield return new("no region anywhere", (h, o) => { o.AccessKey = "AK"; o.SecretKey = "s"; }, null, null, "AwsRegionNotFound");
        yield return new("a malformed region", (h, o) => { o.Region = "Frankfurt"; }, null, null, "AwsInvalidRegion");
    }

    public static IEnumerable<object[]> CaseNames() => Cases().Select(c => new object[] { c.Name });

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Resolves_region_in_AWS_Tools_order(string name)
    {
        Case c = Cases().Single(x => x.Name == name);
        using var home = new AwsHome();
        AwsSessionOptions o = home.Options();
        c.Setup(home, o);
        if (c.Error is not null)
        {
            var ex = await Assert.ThrowsAsync<EngineException>(() => AwsSession.CreateAsync(o));
            Assert.Equal(c.Error, ex.ErrorId);
            return;
        }

        AwsSession session = await AwsSession.CreateAsync(o);
        Assert.Equal(c.Expected, session.Region);
        Assert.Contains(c.Source!, session.RegionSource);
    }

    [Fact]
    public async Task Invalid_endpoint_url_is_rejected()
    {
        using var home = new AwsHome();
        AwsSessionOptions o = home.Options();
        o.Region = "eu-west-1"; o.AccessKey = "AK"; o.SecretKey = "s"; o.EndpointUrl = "localhost:8080";
        var ex = await Assert.ThrowsAsync<EngineException>(() => AwsSession.CreateAsync(o));
        Assert.Equal("AwsInvalidEndpoint", ex.ErrorId);
    }
}
