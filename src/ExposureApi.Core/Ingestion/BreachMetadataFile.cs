using System.Text.Json;
using ExposureApi.Core.Storage;

namespace ExposureApi.Core.Ingestion;

/// <summary>Reads breach metadata as JSON: one breach object or an array of them, with HIBP's PascalCase field names.</summary>
public static class BreachMetadataFile
{
    private static readonly JsonSerializerOptions Options = new()
    {
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Reads and validates the breaches in <paramref name="json"/>; <paramref name="displayName"/> names it in errors.</summary>
    /// <exception cref="FormatException">The JSON is malformed or a breach is invalid; the message names the file and the problem.</exception>
    public static IReadOnlyList<Breach> Read(Stream json, string displayName)
    {
        List<Breach> breaches;
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
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
