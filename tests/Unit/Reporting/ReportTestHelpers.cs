using EksAutoMode.Engine.Reporting;
using NJsonSchema;

namespace EksAutoMode.Tests.Unit.Reporting;

/// <summary>Findings to report and the OASIS SARIF 2.1.0 schema (tests/Unit/TestData/Reporting) to check them against.</summary>
internal static class ReportTestHelpers
{
    private static readonly Lazy<JsonSchema> s_schema = new(() =>
        JsonSchema.FromJsonAsync(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "Reporting", "sarif-schema-2.1.0.json"))).GetAwaiter().GetResult());

    public static JsonSchema SarifSchema => s_schema.Value;

    /// <summary>Schema violations of a SARIF text ("path: kind"), empty when it is valid.</summary>
    public static IReadOnlyList<string> SchemaErrors(string sarif) =>
        SarifSchema.Validate(sarif).Select(e => $"{e.Path}: {e.Kind} {e}").ToList();

    public static ReportFinding Finding(string ruleId, FindingLevel level, string? file = null, int line = 0, int column = 0,
        int? doc = 0, string kind = "NodePool", string name = "pool", string message = "Invalid value", string? fieldPath = "spec.x",
        string? hint = null, string? helpUri = null) => new()
        {
            RuleId = ruleId,
            Level = level,
            File = file,
            Line = line,
            Column = column,
            DocumentIndex = doc,
            Kind = kind,
            Name = name,
            Message = message,
            FieldPath = fieldPath,
            Hint = hint,
            HelpUri = helpUri,
        };
}
