namespace EksAutoMode.Engine.Aws;

/// <summary>
/// Reads the shared credentials file and the shared config file (the INI files the AWS CLI, the SDKs and
/// AWS.Tools share). Credentials-file sections are <c>[name]</c>; config-file sections are <c>[default]</c>,
/// <c>[profile name]</c> and <c>[sso-session name]</c>. Values from the credentials file win over the config file.
/// Nested (indented) sub-properties such as <c>s3 =</c> blocks are skipped.
/// </summary>
internal sealed class AwsProfileStore
{
    private readonly Dictionary<string, Dictionary<string, string>> _credentials;
    private readonly Dictionary<string, Dictionary<string, string>> _config;
    private readonly Dictionary<string, Dictionary<string, string>> _ssoSessions;

    internal AwsProfileStore(string credentialsFile, string configFile)
    {
        CredentialsFile = credentialsFile;
        ConfigFile = configFile;
        _credentials = new(StringComparer.Ordinal);
        _config = new(StringComparer.Ordinal);
        _ssoSessions = new(StringComparer.Ordinal);

        foreach (var (section, values) in ParseIni(credentialsFile))
        {
            _credentials[section.Trim()] = values;
        }

        foreach (var (section, values) in ParseIni(configFile))
        {
            string s = section.Trim();
            if (s == "default")
            {
                _config["default"] = values;
            }
            else if (s.StartsWith("profile ", StringComparison.Ordinal))
            {
                _config[s["profile ".Length..].Trim()] = values;
            }
            else if (s.StartsWith("sso-session ", StringComparison.Ordinal))
            {
                _ssoSessions[s["sso-session ".Length..].Trim()] = values;
            }
        }
    }

    internal string CredentialsFile { get; }
    internal string ConfigFile { get; }

    internal bool Exists(string profile) => _credentials.ContainsKey(profile) || _config.ContainsKey(profile);

    /// <summary>Where the profile was found (for the "Credentials obtained from" message).</summary>
    internal string Location(string profile) =>
        _credentials.ContainsKey(profile) && _config.ContainsKey(profile) ? $"{CredentialsFile} and {ConfigFile}"
        : _credentials.ContainsKey(profile) ? CredentialsFile
        : ConfigFile;

    /// <summary>The merged settings of a profile (credentials file first), or null when it does not exist.</summary>
    internal IReadOnlyDictionary<string, string>? Get(string profile)
    {
        if (!Exists(profile))
        {
            return null;
        }

        var merged = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (_config.TryGetValue(profile, out var config))
        {
            foreach (var (k, v) in config)
            {
                merged[k] = v;
            }
        }

        if (_credentials.TryGetValue(profile, out var creds))
        {
            foreach (var (k, v) in creds)
            {
                merged[k] = v;
            }
        }

        return merged;
    }

    internal IReadOnlyDictionary<string, string>? GetSsoSession(string name) =>
        _ssoSessions.TryGetValue(name, out var values) ? values : null;

    internal IEnumerable<string> ProfileNames => _credentials.Keys.Concat(_config.Keys).Distinct(StringComparer.Ordinal);

    internal static List<(string Section, Dictionary<string, string> Values)> ParseIni(string path)
    {
        var result = new List<(string, Dictionary<string, string>)>();
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
        {
            return result;
        }

        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new EngineException("AwsConfigFileUnreadable", ErrorKind.ReadError, $"The AWS file '{path}' cannot be read: {ex.Message}", path, ex);
        }

        Dictionary<string, string>? current = null;
        foreach (string raw in lines)
        {
            string line = raw.TrimEnd();
            string trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed.StartsWith('#') || trimmed.StartsWith(';'))
            {
                continue;
            }

            if (trimmed.StartsWith('[') && trimmed.Contains(']'))
            {
                string name = trimmed[1..trimmed.IndexOf(']')];
                current = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                result.Add((name, current));
                continue;
            }

            if (current is null || char.IsWhiteSpace(line[0]))
            {
                continue; // outside a section, or a nested sub-property line
            }

            int eq = trimmed.IndexOf('=');
            if (eq <= 0)
            {
                continue;
            }

            string key = trimmed[..eq].Trim();
            string value = trimmed[(eq + 1)..].Trim();
            // Inline comments are only recognised after whitespace (" #" / " ;"), as the CLI does.
            foreach (string marker in new[] { " #", " ;", "\t#", "\t;" })
            {
                int c = value.IndexOf(marker, StringComparison.Ordinal);
                if (c >= 0)
                {
                    value = value[..c].TrimEnd();
                }
            }

            current[key] = value;
        }

        return result;
    }
}
