using System.Text.RegularExpressions;

namespace EksAutoMode.Engine.Validation;

/// <summary>
/// Regular expressions for CRD <c>pattern</c>s and CEL <c>matches()</c>. The API server evaluates both with Go's
/// RE2 engine: linear time, no backreferences or lookarounds. .NET's NonBacktracking engine has the same
/// guarantees, so a hostile pattern from a user's CRD cannot hang us and no timeout is needed (a wall-clock
/// timeout could fire on a busy machine and turn a valid value into a false error). The rare pattern the
/// NonBacktracking engine cannot compile falls back to the backtracking engine with a generous timeout.
/// </summary>
internal static class Re2Regex
{
    private static readonly TimeSpan s_fallbackTimeout = TimeSpan.FromSeconds(2);

    public static Regex Create(string pattern)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
        }
        catch (NotSupportedException)
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, s_fallbackTimeout);
        }
    }
}
