using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace ExposureApi.WebPage;

/// <summary>Where the citizens' page finds its language files (<c>Exposure:WebPage</c>).</summary>
public sealed class WebPageOptions
{
    public const string Section = "Exposure:WebPage";

    /// <summary>
    /// The folder of language files, one <c>LANG.json</c> per language (docs/web-page.md). An operator adapts the advice
    /// or adds a language by editing or adding a file, without a rebuild. Default: <c>languages</c> beside the program.
    /// </summary>
    public string LanguagesPath { get; set; } = Path.Combine(AppContext.BaseDirectory, "languages");
}

/// <summary>
/// One language of the citizens' page: every text it shows, the data classes' names, the advice per data class, and
/// where to report fraud per country. Read from a file, so nothing here is in code.
/// </summary>
public sealed class PageLanguage
{
    /// <summary>The language's code (BCP 47, such as <c>hi</c>); the file is named after it.</summary>
    public string Code { get; init; } = "";

    /// <summary>The language's own name for itself, as the language switch shows it.</summary>
    public string Name { get; init; } = "";

    /// <summary>The whole numbers whose plural takes the "one" form (English 1; Hindi 0 and 1, as CLDR has it).</summary>
    public IReadOnlyList<long> PluralOne { get; init; } = [];

    /// <summary>Digit group sizes from the right: [3] gives 1,234,567; [3, 2] gives 12,34,567.</summary>
    public IReadOnlyList<int> DigitGroups { get; init; } = [3];

    public IReadOnlyList<string> Months { get; init; } = [];

    /// <summary>A date, from <c>{day}</c>, <c>{month}</c> and <c>{year}</c>.</summary>
    public string DateFormat { get; init; } = "";

    /// <summary>Every text; a text with a count has a "one" and an "other" form.</summary>
    public IReadOnlyDictionary<string, JsonElement> Text { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary>What a rejected number's reason (the problem's <c>reason</c>) is called; <c>other</c> for the rest.</summary>
    public IReadOnlyDictionary<string, string> Errors { get; init; } = new Dictionary<string, string>();

    /// <summary>Data classes' names in this language, keyed by the name the store uses (HIBP's).</summary>
    public IReadOnlyDictionary<string, string> DataClasses { get; init; } = new Dictionary<string, string>();

    /// <summary>Per data class, what it lets someone do and what to do now; <c>default</c> for a class without its own.</summary>
    public IReadOnlyDictionary<string, Advice> Advice { get; init; } = new Dictionary<string, Advice>();

    /// <summary>Where to report fraud, per region of the number (ISO 3166); <c>default</c> elsewhere.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<AdviceLink>> Report { get; init; } = new Dictionary<string, IReadOnlyList<AdviceLink>>();

    /// <summary>Country and region names in this language, keyed by ISO 3166 code; a region without one shows its code.</summary>
    public IReadOnlyDictionary<string, string> Regions { get; init; } = new Dictionary<string, string>();

    public string this[string key] => Text.TryGetValue(key, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : key;

    /// <summary>The text <paramref name="key"/> in the plural form for <paramref name="count"/>, with <c>{count}</c> filled in.</summary>
    public string Plural(string key, long count)
    {
        var form = Text[key].GetProperty(PluralOne.Contains(count) ? "one" : "other").GetString()!;
        return form.Replace("{count}", Number(count), StringComparison.Ordinal);
    }

    /// <summary>A whole number grouped as the language groups digits.</summary>
    public string Number(long value)
    {
        var digits = Math.Abs(value).ToString(CultureInfo.InvariantCulture);
        var groups = new List<string>();
        var end = digits.Length;
        for (var i = 0; end > 0; i++)
        {
            var size = DigitGroups[Math.Min(i, DigitGroups.Count - 1)];
            var start = Math.Max(0, end - size);
            groups.Insert(0, digits[start..end]);
            end = start;
        }

        return (value < 0 ? "-" : "") + string.Join(',', groups);
    }

    public string Date(DateOnly date) => DateFormat
        .Replace("{day}", date.Day.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{month}", Months[date.Month - 1], StringComparison.Ordinal)
        .Replace("{year}", date.Year.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    public string DataClass(string name) => DataClasses.GetValueOrDefault(name, name);

    public Advice AdviceFor(string dataClass) => Advice.GetValueOrDefault(dataClass) ?? Advice["default"];

    public IReadOnlyList<AdviceLink> ReportFor(string? region) =>
        region is not null && Report.TryGetValue(region, out var links) ? links : Report["default"];
}

public sealed record Advice(string Risk, IReadOnlyList<string> Steps, IReadOnlyList<AdviceLink>? Links = null);

/// <summary>An official service: what to do there, its address, and who runs it. A line without an address is advice only.</summary>
public sealed record AdviceLink(string Text, string? Url = null, string? Owner = null);

/// <summary>
/// The language files, read and checked once at start-up: a file that does not parse, lacks a text English has, or
/// has advice without steps or a link that is not https with an owner, is a refusal naming the file and the problem.
/// </summary>
public sealed class PageLanguages
{
    /// <summary>The language every other is checked against, and the last resort for a visitor.</summary>
    public const string Reference = "en";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    private PageLanguages(IReadOnlyDictionary<string, PageLanguage> languages) => All = languages;

    public IReadOnlyDictionary<string, PageLanguage> All { get; }

    public PageLanguage Default => All[Reference];

    /// <summary>Reads and checks every <c>*.json</c> in <paramref name="folder"/>; every problem found is in <paramref name="problems"/>.</summary>
    public static PageLanguages? Load(string folder, List<string> problems)
    {
        if (!Directory.Exists(folder))
        {
            problems.Add($"Exposure:WebPage:LanguagesPath '{folder}' is not a folder of language files.");
            return null;
        }

        var languages = new SortedDictionary<string, PageLanguage>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            try
            {
                var language = JsonSerializer.Deserialize<PageLanguage>(File.ReadAllText(file, Encoding.UTF8), Json)
                    ?? throw new JsonException("the file holds null");
                languages[language.Code] = language;
                problems.AddRange(Check(language, Path.GetFileNameWithoutExtension(file)).Select(p => $"{file}: {p}"));
            }
            catch (JsonException e)
            {
                problems.Add($"{file}: not a language file: {e.Message}");
            }
        }

        if (!languages.TryGetValue(Reference, out var reference))
        {
            problems.Add($"{folder}: there is no {Reference}.json, the language every other one is checked against.");
            return null;
        }

        foreach (var language in languages.Values.Where(l => l != reference))
        {
            var file = Path.Combine(folder, language.Code + ".json");
            problems.AddRange(reference.Text.Keys.Except(language.Text.Keys).Select(k => $"{file}: the text '{k}' is missing ({Reference}.json has it)."));
            problems.AddRange(reference.Errors.Keys.Except(language.Errors.Keys).Select(k => $"{file}: the error text '{k}' is missing ({Reference}.json has it)."));
        }

        return new PageLanguages(languages);
    }

    private static IEnumerable<string> Check(PageLanguage language, string fileName)
    {
        if (language.Code != fileName)
        {
            yield return $"its code '{language.Code}' is not its file name; name the file {language.Code}.json.";
        }

        if (string.IsNullOrWhiteSpace(language.Name))
        {
            yield return "it has no name (the language's own name for itself).";
        }

        if (language.Months.Count != 12)
        {
            yield return $"'months' has {language.Months.Count} names, not 12.";
        }

        if (!language.DateFormat.Contains("{day}", StringComparison.Ordinal) || !language.DateFormat.Contains("{month}", StringComparison.Ordinal)
            || !language.DateFormat.Contains("{year}", StringComparison.Ordinal))
        {
            yield return "'dateFormat' needs {day}, {month} and {year}.";
        }

        if (language.DigitGroups.Count == 0 || language.DigitGroups.Any(g => g < 1))
        {
            yield return "'digitGroups' needs one or more sizes of at least 1, such as [3] or [3, 2].";
        }

        foreach (var (key, value) in language.Text)
        {
            if (value.ValueKind == JsonValueKind.Object
                && (!value.TryGetProperty("one", out var one) || !value.TryGetProperty("other", out var other) || one.ValueKind != JsonValueKind.String || other.ValueKind != JsonValueKind.String))
            {
                yield return $"the text '{key}' needs a \"one\" and an \"other\" form.";
            }
            else if (value.ValueKind is not (JsonValueKind.String or JsonValueKind.Object))
            {
                yield return $"the text '{key}' is not a string.";
            }
        }

        if (!language.Errors.ContainsKey("other"))
        {
            yield return "'errors' has no 'other' text, for a reason without its own.";
        }

        if (!language.Advice.ContainsKey("default"))
        {
            yield return "'advice' has no 'default', for a data class without its own.";
        }

        if (!language.Report.ContainsKey("default"))
        {
            yield return "'report' has no 'default', for a country without its own.";
        }

        foreach (var (dataClass, advice) in language.Advice)
        {
            if (string.IsNullOrWhiteSpace(advice.Risk) || advice.Steps is not { Count: > 0 } || advice.Steps.Any(string.IsNullOrWhiteSpace))
            {
                yield return $"the advice for '{dataClass}' needs a 'risk' and one or more 'steps'.";
            }
        }

        var links = language.Advice.SelectMany(a => (a.Value.Links ?? []).Select(l => (Where: $"advice '{a.Key}'", Link: l)))
            .Concat(language.Report.SelectMany(r => r.Value.Select(l => (Where: $"report '{r.Key}'", Link: l))));
        foreach (var (where, link) in links)
        {
            if (string.IsNullOrWhiteSpace(link.Text))
            {
                yield return $"a link in {where} has no text.";
            }
            else if (link.Url is not null && (!Uri.TryCreate(link.Url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || string.IsNullOrWhiteSpace(link.Owner)))
            {
                yield return $"the link '{link.Text}' in {where} must be an https address with its 'owner' named (only official services, cited).";
            }
        }
    }

    /// <summary>
    /// The visitor's language: the one the form or link chose (<c>lang</c>), else the first of <c>Accept-Language</c>
    /// the page has (by quality, then order), else English. Nothing is stored: the choice travels in the form and links.
    /// </summary>
    public PageLanguage Choose(string? chosen, string? acceptLanguage)
    {
        if (chosen is not null && All.TryGetValue(chosen, out var language))
        {
            return language;
        }

        var preferred = (acceptLanguage ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select((entry, order) =>
            {
                var parts = entry.Split(';', StringSplitOptions.TrimEntries);
                var quality = parts.Skip(1).Select(p => p.StartsWith("q=", StringComparison.OrdinalIgnoreCase)
                    && double.TryParse(p[2..], NumberStyles.Float, CultureInfo.InvariantCulture, out var q) ? q : 1.0).FirstOrDefault(1.0);
                return (Code: parts[0].Split('-')[0].ToLowerInvariant(), Quality: quality, Order: order);
            })
            .Where(p => p.Quality > 0)
            .OrderByDescending(p => p.Quality).ThenBy(p => p.Order);
        return preferred.Select(p => All.GetValueOrDefault(p.Code)).FirstOrDefault(l => l is not null) ?? Default;
    }
}

/// <summary>
/// The language files, read and checked once per folder: start-up's check (<see cref="WebPageOptionsValidation"/>)
/// and the page's <see cref="PageLanguages"/> share the one reading.
/// </summary>
internal sealed class LanguageFiles
{
    private readonly ConcurrentDictionary<string, Lazy<(PageLanguages? Languages, IReadOnlyList<string> Problems)>> _read = new(StringComparer.Ordinal);

    public (PageLanguages? Languages, IReadOnlyList<string> Problems) Read(string folder) =>
        _read.GetOrAdd(folder, f => new(() =>
        {
            var problems = new List<string>();
            return (PageLanguages.Load(f, problems), problems);
        })).Value;
}

/// <summary>Start-up refuses language files that do not load or check, naming each problem.</summary>
internal sealed class WebPageOptionsValidation(LanguageFiles files) : IValidateOptions<WebPageOptions>
{
    public ValidateOptionsResult Validate(string? name, WebPageOptions options) =>
        files.Read(options.LanguagesPath).Problems is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
}
