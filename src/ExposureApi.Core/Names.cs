using System.Text.RegularExpressions;

namespace ExposureApi.Core;

/// <summary>
/// The one rule for the names that travel in URLs and on command lines: breach names and API key names.
/// </summary>
public static partial class Names
{
    /// <summary>The rule in words, for messages: what to write instead.</summary>
    public const string Rule = "use letters, digits, '.', '_' and '-', starting with a letter or digit, at most 64 characters";

    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex Pattern();
}
