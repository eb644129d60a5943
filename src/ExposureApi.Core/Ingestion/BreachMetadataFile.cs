using System.Text.Json;
using ExposureApi.Core.Storage;

namespace ExposureApi.Core.Ingestion;

/// <summary>
/// Reads breach metadata as JSON: one breach object or an array of them, with HIBP's PascalCase field names or the v1
/// API's camelCase ones (what <c>GET /api/v1/breaches/{name}</c> returns can be fed back). An unknown or missing field
/// is named in the error, with the fields there are.
/// </summary>
public static class BreachMetadataFile
{
    private static readonly JsonSerializerOptions Options = new()
    {
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        PropertyNameCaseInsensitive = true,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    private static readonly string[] Fields = [.. typeof(Breach).GetProperties().Select(p => p.Name)];

    private static readonly string[] RequiredFields = [nameof(Breach.Name), nameof(Breach.Title), nameof(Breach.BreachDate)];

    // The serializer's own messages name .NET types; these name the field and what the file may hold instead.
    private static string? FieldProblem(JsonElement breach, int index)
    {
        var which = index < 0 ? "the breach" : $"breach {index + 1}";
        if (breach.ValueKind != JsonValueKind.Object)
        {
            return $"{which} is not a JSON object.";
        }

        var present = breach.EnumerateObject().Select(p => p.Name).ToList();
        if (present.FirstOrDefault(name => !Fields.Contains(name, StringComparer.OrdinalIgnoreCase)) is { } unknown)
        {
            return $"{which} has an unknown field '{unknown}'; the fields are {string.Join(", ", Fields)}.";
        }

        return RequiredFields.FirstOrDefault(field => !present.Contains(field, StringComparer.OrdinalIgnoreCase)) is { } missing
            ? $"{which} has no '{missing}' field; {string.Join(", ", RequiredFields)} are required."
            : null;
    }

    /// <summary>Reads and validates the breaches in <paramref name="json"/>; <paramref name="displayName"/> names it in errors.</summary>
    /// <exception cref="FormatException">The JSON is malformed or a breach is invalid; the message names the file and the problem.</exception>
    public static IReadOnlyList<Breach> Read(Stream json, string displayName)
    {
        List<Breach> breaches;
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            var items = document.RootElement.ValueKind == JsonValueKind.Array
                ? document.RootElement.EnumerateArray().Select((b, i) => (Breach: b, Index: i))
                : [(document.RootElement, -1)];
            if (items.Select(item => FieldProblem(item.Breach, item.Index)).FirstOrDefault(p => p is not null) is { } fieldProblem)
            {
                throw new FormatException($"{displayName}: {fieldProblem}");
            }

            breaches = document.RootElement.ValueKind == JsonValueKind.Array
                ? document.RootElement.Deserialize<List<Breach>>(Options) ?? []
                : [document.RootElement.Deserialize<Breach>(Options)!];
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $"{displayName}:{line + 1}" : displayName;
            throw new FormatException($"{where}: not valid breach metadata: {e.Message}", e);
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var breach in breaches)
        {
            if (Problem(breach) is { } problem)
            {
                throw new FormatException($"{displayName}: {problem}");
            }

            if (!seen.Add(breach.Name))
            {
                throw new FormatException($"{displayName}: breach '{breach.Name}' appears twice.");
            }
        }

        return breaches;
    }

    /// <summary>What is wrong with <paramref name="breach"/>'s metadata, or null when nothing is.</summary>
    public static string? Problem(Breach breach)
    {
        ArgumentNullException.ThrowIfNull(breach);
        return !Names.IsValid(breach.Name) ? $"breach name '{breach.Name}' is not valid: {Names.Rule}."
            : string.IsNullOrWhiteSpace(breach.Title) ? $"breach '{breach.Name}' has no Title."
            : breach.PwnCount < 0 ? $"breach '{breach.Name}' has a negative PwnCount."
            : null;
    }
}
