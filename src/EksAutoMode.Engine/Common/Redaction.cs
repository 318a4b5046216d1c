using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace EksAutoMode.Engine;

/// <summary>
/// The one redaction point: every text the module shows or writes (output strings, verbose, debug, warnings,
/// error messages/targets/recommended actions, -WhatIf text, the price cache) passes through <see cref="Redact"/>.
/// Two mechanisms, both needed:
/// <list type="bullet">
/// <item>Shapes that are secret wherever they appear: EKS bearer tokens (<c>k8s-aws-v1.…</c>), URL user info
/// (<c>scheme://user:password@</c>), presigned-URL and SigV4 signatures and security tokens
/// (<c>X-Amz-Signature=</c>, <c>X-Amz-Security-Token=</c>, <c>Signature=</c>) and <c>Bearer …</c> values.</item>
/// <item>Values known to be secret because credentials were read from them: every secret access key, session
/// token, kubeconfig token or password the module resolves is registered here (<see cref="Register"/>), raw and
/// URL-encoded, and replaced wherever it appears, whatever the credential source was.</item>
/// </list>
/// All patterns run in linear time (NonBacktracking), so redacting hostile text cannot hang.
/// </summary>
public static class Redaction
{
    /// <summary>What replaces a secret.</summary>
    public const string Mask = "(redacted)";

    /// <summary>Shorter values are not registered: they would mask ordinary words (real secrets are 16+ characters).</summary>
    public const int MinimumSecretLength = 8;

    private const int MaxRegistered = 128;
    private const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.NonBacktracking;

    /// <summary>Built on first use (text with "://" and "@"): building it costs more than most runs ever redact.</summary>
    private static Regex UrlUserInfo => s_urlUserInfo ??= new(@"(?<scheme>[A-Za-z][A-Za-z0-9+.\-]{0,30}://)[^/?#@\s""'<>]+@", Options);

    private static Regex? s_urlUserInfo;

    /// <summary>Query/header parameters whose values are secret (X-Amz-Signature is covered by Signature=).</summary>
    private static readonly string[] SecretParameters = { "Signature=", "X-Amz-Security-Token=" };

    private static readonly ConcurrentDictionary<string, byte> s_known = new(StringComparer.Ordinal);
    private static readonly ConcurrentQueue<string> s_order = new();
    private static string[] s_snapshot = Array.Empty<string>();

    /// <summary>
    /// Registers a value that must never be shown (a secret access key, session token, bearer token, password).
    /// Values shorter than <see cref="MinimumSecretLength"/> are ignored. Thread-safe; the newest 128 values are kept (a process rarely resolves more than a few credentials).
    /// </summary>
    public static void Register(string? secret)
    {
        if (string.IsNullOrWhiteSpace(secret))
        {
            return;
        }

        string value = secret.Trim();
        if (value.Length < MinimumSecretLength)
        {
            return;
        }

        bool added = false;
        foreach (string form in new[] { value, Uri.EscapeDataString(value) })
        {
            if (s_known.TryAdd(form, 0))
            {
                s_order.Enqueue(form);
                added = true;
            }
        }

        if (!added)
        {
            return;
        }

        while (s_known.Count > MaxRegistered && s_order.TryDequeue(out string? oldest))
        {
            s_known.TryRemove(oldest, out _);
        }

        // Longest first, so a value that contains another registered value is masked whole.
        s_snapshot = s_known.Keys.OrderByDescending(k => k.Length).ToArray();
    }

    /// <summary>The text with every secret replaced by <see cref="Mask"/>; the same instance when there was nothing to hide.</summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(text))]
    public static string? Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        string result = text;
        foreach (string secret in s_snapshot)
        {
            if (result.Contains(secret, StringComparison.Ordinal))
            {
                result = result.Replace(secret, Mask, StringComparison.Ordinal);
            }
        }

        // Bearer values first, so "Bearer k8s-aws-v1.…" becomes "Bearer (redacted)".
        result = MaskAfter(result, "bearer", StringComparison.OrdinalIgnoreCase, separatorRequired: true, minimumLength: 8,
            c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '~' or '+' or '/' or '=' or '-');
        result = MaskAfter(result, "k8s-aws-v1.", StringComparison.Ordinal, separatorRequired: false, minimumLength: 1,
            c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '=');

        if (result.Contains("://", StringComparison.Ordinal) && result.Contains('@'))
        {
            result = UrlUserInfo.Replace(result, "${scheme}" + Mask + "@");
        }

        if (result.Contains('='))
        {
            result = MaskParameters(result);
        }

        return result;
    }

    /// <summary>
    /// Masks the value after each <paramref name="marker"/> (after white space when <paramref name="separatorRequired"/>)
    /// made of <paramref name="isValueChar"/> characters, when it is at least <paramref name="minimumLength"/> long.
    /// A plain scan with IndexOf: linear, and fast on hostile text where a regex engine falls back to slow modes.
    /// </summary>
    private static string MaskAfter(string text, string marker, StringComparison comparison, bool separatorRequired, int minimumLength, Func<char, bool> isValueChar)
    {
        int found = text.IndexOf(marker, comparison);
        if (found < 0)
        {
            return text;
        }

        System.Text.StringBuilder? builder = null;
        int copied = 0;
        while (found >= 0)
        {
            int start = found + marker.Length;
            int value = start;
            while (value < text.Length && char.IsWhiteSpace(text[value]))
            {
                value++;
            }

            int end = value;
            if (!separatorRequired || value > start)
            {
                while (end < text.Length && isValueChar(text[end]))
                {
                    end++;
                }
            }

            if (end - value >= minimumLength && !text.AsSpan(value).StartsWith(Mask))
            {
                builder ??= new System.Text.StringBuilder(text.Length);
                builder.Append(text, copied, value - copied).Append(Mask);
                copied = end;
            }

            found = text.IndexOf(marker, Math.Max(end, start), comparison);
        }

        return builder is null ? text : builder.Append(text, copied, text.Length - copied).ToString();
    }

    /// <summary>
    /// Masks the values of <see cref="SecretParameters"/> (to the next &amp;, comma, semicolon, quote or white space).
    /// A plain scan rather than a regex: one pass, each name's next occurrence looked up only once it is passed.
    /// </summary>
    private static string MaskParameters(string text)
    {
        var next = new int[SecretParameters.Length];
        for (int n = 0; n < next.Length; n++)
        {
            next[n] = text.IndexOf(SecretParameters[n], StringComparison.OrdinalIgnoreCase);
        }

        System.Text.StringBuilder? builder = null;
        int copied = 0, position = 0;
        while (true)
        {
            int best = -1, nameLength = 0;
            for (int n = 0; n < next.Length; n++)
            {
                if (next[n] >= 0 && next[n] < position)
                {
                    next[n] = text.IndexOf(SecretParameters[n], position, StringComparison.OrdinalIgnoreCase);
                }

                if (next[n] >= 0 && (best < 0 || next[n] < best))
                {
                    best = next[n];
                    nameLength = SecretParameters[n].Length;
                }
            }

            if (best < 0)
            {
                break;
            }

            int start = best + nameLength, end = start;
            while (end < text.Length && text[end] is not ('&' or ',' or ';' or '"' or '\'' or '<' or '>') && !char.IsWhiteSpace(text[end]))
            {
                end++;
            }

            if (end > start && !text.AsSpan(start, end - start).SequenceEqual(Mask))
            {
                builder ??= new System.Text.StringBuilder(text.Length);
                builder.Append(text, copied, start - copied).Append(Mask);
                copied = end;
            }

            position = Math.Max(end, start);
        }

        return builder is null ? text : builder.Append(text, copied, text.Length - copied).ToString();
    }

    /// <summary>True when <see cref="Redact"/> would change <paramref name="text"/>.</summary>
    public static bool ContainsSecret(string? text) => !string.Equals(Redact(text), text, StringComparison.Ordinal);

    /// <summary>A redacted copy of an exception's whole text (messages of the chain and stack), for logs.</summary>
    public static string RedactException(Exception exception) => Redact(exception.ToString());
}
