using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace EksAutoMode.Engine.Aws;

/// <summary>
/// Credential and region resolution in AWS.Tools' order (see docs/about_EksAutoMode_Credentials.md).
/// Never prompts: expired SSO sessions and MFA-protected roles fail with an error saying what to run.
/// </summary>
internal sealed class AwsCredentialResolver
{
    internal const string DefaultImdsEndpoint = "http://169.254.169.254";
    internal const string DefaultContainerHost = "http://169.254.170.2";
    private static readonly Regex RegionPattern = new(@"^[a-z]{2}(-[a-z]+)+-\d{1,2}$", RegexOptions.CultureInvariant);

    private readonly AwsSessionOptions _o;
    private readonly AwsProfileStore _store;
    private readonly AwsEndpoints _endpoint;
    private readonly HttpClient _http;

    internal AwsCredentialResolver(AwsSessionOptions options, AwsEndpoints? endpoint)
    {
        _o = options;
        _endpoint = endpoint ?? AwsEndpoints.None;
        string credentialsFile = options.ProfileLocation is not null ? options.ExpandHome(options.ProfileLocation)
            : options.Env("AWS_SHARED_CREDENTIALS_FILE") is { } cf ? options.ExpandHome(cf)
            : Path.Combine(options.Home, ".aws", "credentials");
        string configFile = options.Env("AWS_CONFIG_FILE") is { } cfg ? options.ExpandHome(cfg) : Path.Combine(options.Home, ".aws", "config");
        _store = new AwsProfileStore(credentialsFile, configFile);
        _http = options.Handler is null ? new HttpClient() : new HttpClient(options.Handler, disposeHandler: false);
        _http.Timeout = Timeout.InfiniteTimeSpan;
    }

    internal AwsProfileStore Store => _store;

    // ---------------------------------------------------------------- region

    internal async Task<(string Region, string Source)> ResolveRegionAsync(CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(_o.Region))
        {
            return (ValidRegion(_o.Region, "-Region"), "the -Region parameter");
        }

        if (!string.IsNullOrWhiteSpace(_o.StoredRegion))
        {
            return (ValidRegion(_o.StoredRegion, "$StoredAWSRegion"), "the shell default $StoredAWSRegion (Set-DefaultAWSRegion)");
        }

        string profileName = _o.ProfileName ?? "default";
        if (_store.Get(profileName) is { } profile && profile.TryGetValue("region", out string? pr) && !string.IsNullOrWhiteSpace(pr))
        {
            return (ValidRegion(pr, $"profile '{profileName}'"), $"the region of profile '{profileName}' in {_store.Location(profileName)}");
        }

        foreach (string name in new[] { "AWS_REGION", "AWS_DEFAULT_REGION" })
        {
            if (_o.Env(name) is { } er)
            {
                return (ValidRegion(er, name), $"environment variable {name}");
            }
        }

        if (_o.ProfileName is null && _o.Env("AWS_PROFILE") is { } envProfile && _store.Get(envProfile) is { } ep
            && ep.TryGetValue("region", out string? epr) && !string.IsNullOrWhiteSpace(epr))
        {
            return (ValidRegion(epr, $"profile '{envProfile}'"), $"the region of profile '{envProfile}' (AWS_PROFILE) in {_store.Location(envProfile)}");
        }

        if (ImdsEnabled)
        {
            string? imdsRegion = await ImdsGetAsync("/latest/meta-data/placement/region", ct).ConfigureAwait(false);
            if (imdsRegion is not null)
            {
                return (ValidRegion(imdsRegion, "instance metadata"), "EC2 instance metadata");
            }
        }

        throw new EngineException("AwsRegionNotFound", ErrorKind.InvalidArgument,
            "No region specified or obtained from persisted/shell defaults.")
        {
            RecommendedAction = "Pass -Region, run Set-DefaultAWSRegion, set AWS_REGION, or add 'region = …' to the profile in ~/.aws/config.",
        };
    }

    private static string ValidRegion(string region, string where)
    {
        string r = region.Trim();
        if (!RegionPattern.IsMatch(r))
        {
            throw new EngineException("AwsInvalidRegion", ErrorKind.InvalidArgument,
                $"'{r}' from {where} is not an AWS Region system name (for example 'eu-west-1').", r);
        }

        return r;
    }

    // ---------------------------------------------------------------- credentials

    internal async Task<CredentialProvider> ResolveCredentialsAsync(string region, CancellationToken ct)
    {
        // 1. Explicit keys.
        if (!string.IsNullOrWhiteSpace(_o.AccessKey) || !string.IsNullOrWhiteSpace(_o.SecretKey))
        {
            if (string.IsNullOrWhiteSpace(_o.AccessKey) || string.IsNullOrWhiteSpace(_o.SecretKey))
            {
                throw new EngineException("AwsIncompleteCredentials", ErrorKind.InvalidArgument,
                    "-AccessKey and -SecretKey must be given together.");
            }

            return new CredentialProvider("the -AccessKey/-SecretKey parameters", new AwsCredentials(_o.AccessKey!, _o.SecretKey!, _o.SessionToken));
        }

        // 2. Explicit profile: never falls through to another source.
        if (!string.IsNullOrWhiteSpace(_o.ProfileName))
        {
            return await ProfileAsync(_o.ProfileName!.Trim(), region, "-ProfileName", 0, ct).ConfigureAwait(false);
        }

        // 3. -Credential.
        if (_o.Credential is not null)
        {
            return new CredentialProvider("the -Credential parameter", _o.Credential);
        }

        // 4. Shell credentials (Set-AWSCredential).
        if (_o.ShellCredential is not null)
        {
            return new CredentialProvider("the shell credentials $StoredAWSCredentials (Set-AWSCredential)", _o.ShellCredential);
        }

        // 5. Environment.
        if (_o.Env("AWS_ACCESS_KEY_ID") is { } envKey && _o.Env("AWS_SECRET_ACCESS_KEY") is { } envSecret)
        {
            return new CredentialProvider("environment variables AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY",
                new AwsCredentials(envKey, envSecret, _o.Env("AWS_SESSION_TOKEN")));
        }

        if (_o.Env("AWS_WEB_IDENTITY_TOKEN_FILE") is { } tokenFile && _o.Env("AWS_ROLE_ARN") is { } envRole)
        {
            return await EagerAsync(WebIdentity("environment variables AWS_WEB_IDENTITY_TOKEN_FILE/AWS_ROLE_ARN", envRole, tokenFile,
                _o.Env("AWS_ROLE_SESSION_NAME"), region), ct).ConfigureAwait(false);
        }

        if (_o.Env("AWS_PROFILE") is { } envProfile)
        {
            return await ProfileAsync(envProfile, region, "AWS_PROFILE", 0, ct).ConfigureAwait(false);
        }

        // 6. Default profile.
        if (_store.Exists("default"))
        {
            return await ProfileAsync("default", region, "default profile", 0, ct).ConfigureAwait(false);
        }

        // 7. Container credentials (ECS, EKS Pod Identity).
        if (ContainerUri() is { } containerUri)
        {
            return await EagerAsync(new CredentialProvider($"container credentials ({containerUri.GetLeftPart(UriPartial.Authority)})",
                c => ContainerCredentialsAsync(containerUri, c), _o.Time), ct).ConfigureAwait(false);
        }

        // 8. Instance profile (IMDSv2).
        if (ImdsEnabled)
        {
            AwsCredentials? imds = await ImdsCredentialsAsync(ct).ConfigureAwait(false);
            if (imds is not null)
            {
                var provider = new CredentialProvider("the EC2 instance profile (IMDSv2)",
                    async c => await ImdsCredentialsAsync(c).ConfigureAwait(false)
                        ?? throw new EngineException("AwsNoCredentials", ErrorKind.AuthenticationError, "The EC2 instance profile no longer returns credentials."), _o.Time);
                await provider.GetAsync(ct).ConfigureAwait(false);
                return provider;
            }
        }

        throw new EngineException("AwsNoCredentials", ErrorKind.AuthenticationError,
            "No AWS credentials were found (checked: -AccessKey/-SecretKey, -ProfileName, -Credential, Set-AWSCredential, environment variables, " +
            $"the default profile in {_store.CredentialsFile} and {_store.ConfigFile}, container credentials, the EC2 instance profile).")
        {
            RecommendedAction = "Pass -ProfileName or -AccessKey/-SecretKey, run Set-AWSCredential, or set AWS_PROFILE / AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.",
        };
    }

    private static async Task<CredentialProvider> EagerAsync(CredentialProvider provider, CancellationToken ct)
    {
        await provider.GetAsync(ct).ConfigureAwait(false);
        return provider;
    }

    private bool ImdsEnabled => !string.Equals(_o.Env("AWS_EC2_METADATA_DISABLED"), "true", StringComparison.OrdinalIgnoreCase);

    private async Task<CredentialProvider> ProfileAsync(string name, string region, string why, int depth, CancellationToken ct)
    {
        if (depth > 5)
        {
            throw new EngineException("AwsProfileLoop", ErrorKind.InvalidData, $"Profile '{name}' is part of a source_profile chain that is too deep or loops.", name);
        }

        IReadOnlyDictionary<string, string>? p = _store.Get(name);
        if (p is null)
        {
            throw new EngineException("AwsProfileNotFound", ErrorKind.ObjectNotFound,
                $"The AWS profile '{name}' ({why}) was not found in {_store.CredentialsFile} or {_store.ConfigFile}.", name)
            {
                RecommendedAction = "Check the name (Get-AWSCredential -ListProfileDetail lists profiles) or pass -ProfileLocation.",
            };
        }

        string location = _store.Location(name);
        string source = $"profile '{name}' in {location}";
        string? Value(string key) => p.TryGetValue(key, out string? v) && !string.IsNullOrWhiteSpace(v) ? v : null;
        string profileRegion = Value("region") ?? region;

        if (Value("role_arn") is { } roleArn)
        {
            if (Value("web_identity_token_file") is { } tokenFile)
            {
                return await EagerAsync(WebIdentity($"{source} (web identity role {roleArn})", roleArn, tokenFile, Value("role_session_name"), profileRegion), ct).ConfigureAwait(false);
            }

            if (Value("mfa_serial") is not null)
            {
                throw new EngineException("AwsMfaRequired", ErrorKind.AuthenticationError,
                    $"Profile '{name}' assumes a role that needs an MFA code; EksAutoMode never prompts.", name)
                {
                    RecommendedAction = "Get temporary credentials first (for example with Use-STSRole or 'aws sts assume-role') and pass them with -Credential or environment variables.",
                };
            }

            CredentialProvider sourceProvider;
            if (Value("source_profile") is { } sourceProfile)
            {
                sourceProvider = sourceProfile == name
                    ? StaticFromProfile(p, name, source)
                    : await ProfileAsync(sourceProfile, region, $"source_profile of '{name}'", depth + 1, ct).ConfigureAwait(false);
            }
            else if (Value("credential_source") is { } credentialSource)
            {
                sourceProvider = credentialSource switch
                {
                    "Environment" when _o.Env("AWS_ACCESS_KEY_ID") is { } k && _o.Env("AWS_SECRET_ACCESS_KEY") is { } s =>
                        new CredentialProvider("environment", new AwsCredentials(k, s, _o.Env("AWS_SESSION_TOKEN"))),
                    "EcsContainer" when ContainerUri() is { } u => new CredentialProvider("container", c => ContainerCredentialsAsync(u, c), _o.Time),
                    "Ec2InstanceMetadata" when ImdsEnabled => new CredentialProvider("instance profile",
                        async c => await ImdsCredentialsAsync(c).ConfigureAwait(false)
                            ?? throw new EngineException("AwsNoCredentials", ErrorKind.AuthenticationError, "The EC2 instance profile returned no credentials."), _o.Time),
                    _ => throw new EngineException("AwsProfileInvalid", ErrorKind.InvalidData,
                        $"Profile '{name}' has credential_source '{credentialSource}', which is unknown or has no credentials here.", name),
                };
            }
            else
            {
                throw new EngineException("AwsProfileInvalid", ErrorKind.InvalidData,
                    $"Profile '{name}' has role_arn but neither source_profile, credential_source nor web_identity_token_file.", name);
            }

            string sessionName = Value("role_session_name") ?? $"EksAutoMode-{_o.Time.GetUtcNow().ToUnixTimeSeconds()}";
            string? externalId = Value("external_id");
            string? duration = Value("duration_seconds");
            var assume = new CredentialProvider($"{source} (assumed role {roleArn})",
                c => AssumeRoleAsync(sourceProvider, roleArn, sessionName, externalId, duration, profileRegion, c), _o.Time);
            return await EagerAsync(assume, ct).ConfigureAwait(false);
        }

        if (Value("aws_access_key_id") is not null)
        {
            return StaticFromProfile(p, name, source);
        }

        if (Value("sso_session") is not null || Value("sso_start_url") is not null)
        {
            return await EagerAsync(Sso(name, p, source), ct).ConfigureAwait(false);
        }

        if (Value("credential_process") is { } process)
        {
            return await EagerAsync(new CredentialProvider($"{source} (credential_process)", c => CredentialProcessAsync(name, process, c), _o.Time), ct).ConfigureAwait(false);
        }

        throw new EngineException("AwsProfileHasNoCredentials", ErrorKind.InvalidData,
            $"Profile '{name}' in {location} has no credentials (no keys, role, SSO or credential_process settings).", name);
    }

    private static CredentialProvider StaticFromProfile(IReadOnlyDictionary<string, string> p, string name, string source)
    {
        p.TryGetValue("aws_access_key_id", out string? key);
        p.TryGetValue("aws_secret_access_key", out string? secret);
        p.TryGetValue("aws_session_token", out string? token);
        if (string.IsNullOrWhiteSpace(key) || string.IsNullOrWhiteSpace(secret))
        {
            throw new EngineException("AwsProfileInvalid", ErrorKind.InvalidData,
                $"Profile '{name}' must set both aws_access_key_id and aws_secret_access_key.", name);
        }

        return new CredentialProvider(source, new AwsCredentials(key, secret, token));
    }

    // ---------------------------------------------------------------- STS

    private AwsClient StsClient(Func<CancellationToken, ValueTask<AwsCredentials?>> credentials, string region) =>
        new(credentials, region, _endpoint, _o.RetryPolicy, _o.Handler, _o.Trace) { Time = _o.Time };

    private async Task<AwsCredentials> AssumeRoleAsync(CredentialProvider source, string roleArn, string sessionName, string? externalId,
        string? duration, string region, CancellationToken ct)
    {
        var parameters = new List<KeyValuePair<string, string>> { new("RoleArn", roleArn), new("RoleSessionName", sessionName) };
        if (externalId is not null)
        {
            parameters.Add(new("ExternalId", externalId));
        }

        if (duration is not null)
        {
            parameters.Add(new("DurationSeconds", duration));
        }

        AwsClient sts = StsClient(async c => await source.GetAsync(c).ConfigureAwait(false), region);
        XDocument doc = await sts.InvokeQueryAsync(AwsService.Sts, "AssumeRole", "2011-06-15", parameters, new AwsCallOptions { Target = roleArn }, ct).ConfigureAwait(false);
        return StsCredentials(doc, "AssumeRole");
    }

    private CredentialProvider WebIdentity(string source, string roleArn, string tokenFile, string? sessionName, string region) =>
        new(source, async ct =>
        {
            string path = _o.ExpandHome(tokenFile);
            if (!File.Exists(path))
            {
                throw new EngineException("AwsWebIdentityTokenNotFound", ErrorKind.ObjectNotFound, $"The web identity token file '{path}' does not exist.", path);
            }

            string token = (await File.ReadAllTextAsync(path, ct).ConfigureAwait(false)).Trim();
            AwsClient sts = StsClient(_ => ValueTask.FromResult<AwsCredentials?>(null), region);
            XDocument doc = await sts.InvokeQueryAsync(AwsService.Sts, "AssumeRoleWithWebIdentity", "2011-06-15", new List<KeyValuePair<string, string>>
            {
                new("RoleArn", roleArn),
                new("RoleSessionName", sessionName ?? $"EksAutoMode-{_o.Time.GetUtcNow().ToUnixTimeSeconds()}"),
                new("WebIdentityToken", token),
            }, new AwsCallOptions { Target = roleArn }, ct).ConfigureAwait(false);
            return StsCredentials(doc, "AssumeRoleWithWebIdentity");
        }, _o.Time);

    private static AwsCredentials StsCredentials(XDocument doc, string operation)
    {
        XElement? creds = doc.Descendants().FirstOrDefault(e => e.Name.LocalName == "Credentials");
        string? Get(string n) => creds?.Elements().FirstOrDefault(e => e.Name.LocalName == n)?.Value;
        if (Get("AccessKeyId") is not { } key || Get("SecretAccessKey") is not { } secret)
        {
            throw AwsServiceException.InvalidResponse("STS", operation, "no credentials", null);
        }

        DateTimeOffset? expiration = DateTimeOffset.TryParse(Get("Expiration"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var e) ? e : null;
        return new AwsCredentials(key, secret, Get("SessionToken"), expiration);
    }

    // ---------------------------------------------------------------- SSO

    private CredentialProvider Sso(string name, IReadOnlyDictionary<string, string> p, string source)
    {
        string? Value(string key) => p.TryGetValue(key, out string? v) && !string.IsNullOrWhiteSpace(v) ? v : null;
        string? sessionName = Value("sso_session");
        string? startUrl = Value("sso_start_url");
        string? ssoRegion = Value("sso_region");
        if (sessionName is not null)
        {
            IReadOnlyDictionary<string, string> session = _store.GetSsoSession(sessionName)
                ?? throw new EngineException("AwsProfileInvalid", ErrorKind.InvalidData,
                    $"Profile '{name}' refers to sso_session '{sessionName}', which is not defined in {_store.ConfigFile}.", name);
            session.TryGetValue("sso_start_url", out startUrl);
            if (session.TryGetValue("sso_region", out string? r))
            {
                ssoRegion = r;
            }
        }

        string? accountId = Value("sso_account_id");
        string? roleName = Value("sso_role_name");
        if (startUrl is null || ssoRegion is null || accountId is null || roleName is null)
        {
            throw new EngineException("AwsProfileInvalid", ErrorKind.InvalidData,
                $"SSO profile '{name}' needs sso_start_url, sso_region, sso_account_id and sso_role_name (directly or through sso_session).", name);
        }

        string cacheKey = sessionName ?? startUrl;
        string cacheFile = Path.Combine(_o.Home, ".aws", "sso", "cache",
            Convert.ToHexString(SHA1.HashData(Encoding.UTF8.GetBytes(cacheKey))).ToLowerInvariant() + ".json");
        string login = sessionName is not null ? $"aws sso login --sso-session {sessionName}" : $"aws sso login --profile {name}";

        return new CredentialProvider($"{source} (IAM Identity Center, account {accountId}, role {roleName})", async ct =>
        {
            string? accessToken = null;
            DateTimeOffset? expiresAt = null;
            if (File.Exists(cacheFile))
            {
                try
                {
                    using JsonDocument cache = JsonDocument.Parse(await File.ReadAllTextAsync(cacheFile, ct).ConfigureAwait(false));
                    if (cache.RootElement.TryGetProperty("accessToken", out JsonElement t))
                    {
                        accessToken = t.GetString();
                        Redaction.Register(accessToken);
                    }

                    if (cache.RootElement.TryGetProperty("expiresAt", out JsonElement e)
                        && DateTimeOffset.TryParse(e.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var exp))
                    {
                        expiresAt = exp;
                    }
                }
                catch (JsonException)
                {
                }
            }

            if (accessToken is null || expiresAt is null)
            {
                throw new EngineException("AwsSsoLoginRequired", ErrorKind.AuthenticationError,
                    $"There is no IAM Identity Center (SSO) login for profile '{name}'. EksAutoMode never opens a browser or prompts.", name)
                {
                    RecommendedAction = $"Run '{login}' (or Invoke-AWSSSOLogin), then run the command again.",
                };
            }

            if (expiresAt <= _o.Time.GetUtcNow())
            {
                throw new EngineException("AwsSsoTokenExpired", ErrorKind.AuthenticationError,
                    $"The IAM Identity Center (SSO) session for profile '{name}' expired at {expiresAt:u}. EksAutoMode never opens a browser or prompts.", name)
                {
                    RecommendedAction = $"Run '{login}' (or Invoke-AWSSSOLogin), then run the command again.",
                };
            }

            AwsClient portal = new(_ => ValueTask.FromResult<AwsCredentials?>(null), ssoRegion, _endpoint, _o.RetryPolicy, _o.Handler, _o.Trace) { Time = _o.Time };
            JsonDocument response;
            try
            {
                response = await portal.InvokeRestJsonAsync(AwsService.Sso, "GetRoleCredentials", HttpMethod.Get, "/federation/credentials",
                    new List<KeyValuePair<string, string>> { new("account_id", accountId), new("role_name", roleName) },
                    new List<KeyValuePair<string, string>> { new("x-amz-sso_bearer_token", accessToken) }, ct).ConfigureAwait(false);
            }
            catch (AwsServiceException ex) when (ex.StatusCode == 401 || ex.ErrorCode is "UnauthorizedException")
            {
                throw new EngineException("AwsSsoTokenExpired", ErrorKind.AuthenticationError,
                    $"The IAM Identity Center (SSO) session for profile '{name}' is no longer valid. EksAutoMode never opens a browser or prompts.", name, ex)
                {
                    RecommendedAction = $"Run '{login}' (or Invoke-AWSSSOLogin), then run the command again.",
                };
            }

            using (response)
            {
                // A missing field or a value of the wrong type is AwsResponseInvalid naming SSO GetRoleCredentials.
                return AwsServiceException.ReadResponse("SSO", "GetRoleCredentials", name, () =>
                {
                    JsonElement rc = response.RootElement.GetProperty("roleCredentials");
                    DateTimeOffset? expiration = rc.TryGetProperty("expiration", out JsonElement ex) && ex.TryGetInt64(out long ms)
                        ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
                    return new AwsCredentials(rc.GetProperty("accessKeyId").GetString()!, rc.GetProperty("secretAccessKey").GetString()!,
                        rc.TryGetProperty("sessionToken", out JsonElement st) ? st.GetString() : null, expiration);
                });
            }
        }, _o.Time);
    }

    // ---------------------------------------------------------------- credential_process

    private static async Task<AwsCredentials> CredentialProcessAsync(string profile, string command, CancellationToken ct)
    {
        var psi = OperatingSystem.IsWindows()
            ? new ProcessStartInfo("cmd.exe", new[] { "/d", "/c", command })
            : new ProcessStartInfo("/bin/sh", new[] { "-c", command });
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.UseShellExecute = false;
        using var process = Process.Start(psi) ?? throw new EngineException("AwsCredentialProcessFailed", ErrorKind.InvalidOperation,
            $"The credential_process of profile '{profile}' could not be started.", profile);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(1));
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        Task<string> stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            ct.ThrowIfCancellationRequested();
            throw new EngineException("AwsCredentialProcessFailed", ErrorKind.OperationTimeout, $"The credential_process of profile '{profile}' did not finish within 1 minute.", profile);
        }

        if (process.ExitCode != 0)
        {
            throw new EngineException("AwsCredentialProcessFailed", ErrorKind.InvalidOperation,
                $"The credential_process of profile '{profile}' exited with code {process.ExitCode}.", profile);
        }

        try
        {
            using JsonDocument doc = JsonDocument.Parse(await stdout.ConfigureAwait(false));
            JsonElement r = doc.RootElement;
            DateTimeOffset? expiration = r.TryGetProperty("Expiration", out JsonElement e) && e.ValueKind == JsonValueKind.String
                && DateTimeOffset.TryParse(e.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var exp) ? exp : null;
            return new AwsCredentials(r.GetProperty("AccessKeyId").GetString()!, r.GetProperty("SecretAccessKey").GetString()!,
                r.TryGetProperty("SessionToken", out JsonElement st) ? st.GetString() : null, expiration);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or ArgumentException)
        {
            _ = stderr;
            throw new EngineException("AwsCredentialProcessFailed", ErrorKind.InvalidData,
                $"The credential_process of profile '{profile}' did not print the expected JSON (Version, AccessKeyId, SecretAccessKey).", profile);
        }
    }

    // ---------------------------------------------------------------- container and IMDS

    private Uri? ContainerUri()
    {
        if (_o.Env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") is { } relative)
        {
            return new Uri(DefaultContainerHost + (relative.StartsWith('/') ? relative : "/" + relative));
        }

        return _o.Env("AWS_CONTAINER_CREDENTIALS_FULL_URI") is { } full && Uri.TryCreate(full, UriKind.Absolute, out Uri? u) ? u : null;
    }

    private async Task<AwsCredentials> ContainerCredentialsAsync(Uri uri, CancellationToken ct)
    {
        string? authorization = _o.Env("AWS_CONTAINER_AUTHORIZATION_TOKEN");
        if (_o.Env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") is { } tokenFile && File.Exists(tokenFile))
        {
            authorization = (await File.ReadAllTextAsync(tokenFile, ct).ConfigureAwait(false)).Trim();
        }

        Redaction.Register(authorization);

        for (int attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            if (authorization is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
            }

            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                using HttpResponseMessage response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
                string body = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    throw new HttpRequestException($"HTTP {(int)response.StatusCode}");
                }

                return ParseMetadataCredentials(body, "container credentials endpoint");
            }
            catch (Exception ex) when (!ct.IsCancellationRequested && ex is HttpRequestException or OperationCanceledException or IOException)
            {
                if (attempt >= 3)
                {
                    throw new EngineException("AwsContainerCredentialsFailed", ErrorKind.ConnectionError,
                        $"The container credentials endpoint {uri.GetLeftPart(UriPartial.Authority)} did not return credentials: {ex.Message}", null, ex);
                }
            }
        }
    }

    private string ImdsEndpoint => (_o.Env("AWS_EC2_METADATA_SERVICE_ENDPOINT") ?? DefaultImdsEndpoint).TrimEnd('/');

    private async Task<string?> ImdsTokenAsync(CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, ImdsEndpoint + "/latest/api/token");
        request.Headers.TryAddWithoutValidation("X-aws-ec2-metadata-token-ttl-seconds", "21600");
        return await ImdsSendAsync(request, ct).ConfigureAwait(false);
    }

    /// <summary>One IMDS call with a 1 s limit: the body on success, null when IMDS is absent or refuses (not on an EC2 instance).</summary>
    private async Task<string?> ImdsSendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(1));
        try
        {
            using HttpResponseMessage response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? (await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false)).Trim() : null;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && ex is HttpRequestException or OperationCanceledException or IOException)
        {
            return null;
        }
    }

    private async Task<string?> ImdsGetAsync(string path, CancellationToken ct, string? token = null)
    {
        token ??= await ImdsTokenAsync(ct).ConfigureAwait(false);
        if (token is null)
        {
            return null;
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, ImdsEndpoint + path);
        request.Headers.TryAddWithoutValidation("X-aws-ec2-metadata-token", token);
        return await ImdsSendAsync(request, ct).ConfigureAwait(false);
    }

    private async Task<AwsCredentials?> ImdsCredentialsAsync(CancellationToken ct)
    {
        string? token = await ImdsTokenAsync(ct).ConfigureAwait(false);
        if (token is null)
        {
            return null;
        }

        string? roles = await ImdsGetAsync("/latest/meta-data/iam/security-credentials/", ct, token).ConfigureAwait(false);
        string? role = roles?.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        if (role is null)
        {
            return null;
        }

        string? body = await ImdsGetAsync("/latest/meta-data/iam/security-credentials/" + role, ct, token).ConfigureAwait(false);
        return body is null ? null : ParseMetadataCredentials(body, "EC2 instance metadata");
    }

    private static AwsCredentials ParseMetadataCredentials(string body, string where)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(body);
            JsonElement r = doc.RootElement;
            DateTimeOffset? expiration = r.TryGetProperty("Expiration", out JsonElement e) && e.ValueKind == JsonValueKind.String
                && DateTimeOffset.TryParse(e.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var exp) ? exp : null;
            return new AwsCredentials(r.GetProperty("AccessKeyId").GetString()!, r.GetProperty("SecretAccessKey").GetString()!,
                r.TryGetProperty("Token", out JsonElement t) ? t.GetString() : null, expiration);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or ArgumentException)
        {
            throw new EngineException(AwsServiceException.InvalidResponseCode, ErrorKind.InvalidResult, $"The {where} returned a response in a shape we did not expect (no AccessKeyId/SecretAccessKey).", null, ex);
        }
    }
}
