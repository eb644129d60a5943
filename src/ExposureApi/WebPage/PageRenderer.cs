using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using ExposureApi.Core.Checks;
using ExposureApi.Core.Normalization;
using Ganss.Xss;

namespace ExposureApi.WebPage;

/// <summary>What the page shows under the form: nothing yet, an answer, a number it could not read, or a refusal.</summary>
internal abstract record PageResult
{
    public sealed record None : PageResult;

    public sealed record Answer(CheckOutcome Outcome) : PageResult;

    /// <summary>The number could not be read; <paramref name="Reason"/> is the problem's reason slug.</summary>
    public sealed record Invalid(string Reason) : PageResult;

    /// <summary>Turned away; <paramref name="TextKey"/> names the text, with <c>{seconds}</c> filled from <paramref name="RetryAfterSeconds"/>.</summary>
    public sealed record Refused(string TextKey, int? RetryAfterSeconds) : PageResult;
}

/// <summary>
/// Renders the whole citizens' page on the server, in the visitor's language: the form, and the answer to a posted
/// form. The same HTML serves a browser without script and, swapped in by <c>app.js</c>, one with it. Every text is
/// HTML-encoded; a breach description passes an allow-list sanitiser. The submitted number is never written back.
/// </summary>
internal sealed class PageRenderer(PageLanguages languages, PhoneNormalizer normalizer, StaticAssetPaths assets)
{
    // Every script as itself (a Hindi page is not eight bytes a letter); <, >, &, quotes and controls still encoded.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    // Paragraphs, emphasis, lists and https links; no attribute but href, no style, no script, no image.
    private static readonly HtmlSanitizer Sanitizer = CreateSanitizer();

    // Each language's country list, named and sorted once: the same for every page in that language.
    private readonly Dictionary<string, (string Code, string Name, int CallingCode)[]> _regions = languages.All.Values.ToDictionary(
        language => language.Code,
        language => WebPageExtensions.Regions
            .Select(r => (r.Code, Name: language.Regions.GetValueOrDefault(r.Code, r.Code), r.CallingCode))
            .OrderBy(r => r.Name, StringComparer.Ordinal)
            .ToArray());

    public PageLanguages Languages => languages;

    public string Render(PageLanguage language, PageResult result, string? region)
    {
        var html = new StringBuilder(16_384);
        var t = new Writer(html, language);
        var chosenRegion = PhoneNormalizer.IsSupportedRegion(region) ? region!.ToUpperInvariant() : normalizer.DefaultRegion;
        html.Append("<!doctype html>\n<html lang=\"").Append(E(language.Code)).Append("\">\n<head>\n")
            .Append("<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta name=\"referrer\" content=\"no-referrer\">\n")
            .Append("<title>").Append(E(language["title"])).Append(" · ExposureApi</title>\n")
            .Append("<link rel=\"icon\" href=\"").Append(assets["favicon.svg"]).Append("\" type=\"image/svg+xml\">\n")
            .Append("<link rel=\"stylesheet\" href=\"").Append(assets["styles.css"]).Append("\">\n")
            .Append("<script src=\"").Append(assets["app.js"]).Append("\" defer></script>\n</head>\n<body>\n");

        html.Append("<header class=\"bar\">\n<span class=\"brand\">ExposureApi</span>\n<nav class=\"languages\" aria-label=\"").Append(E(language["languageLabel"])).Append("\">\n");
        foreach (var other in languages.All.Values)
        {
            html.Append("<a class=\"lang\" href=\"/?lang=").Append(E(other.Code)).Append("\" hreflang=\"").Append(E(other.Code))
                .Append("\" lang=\"").Append(E(other.Code)).Append('"').Append(other == language ? " aria-current=\"true\"" : "").Append('>')
                .Append(E(other.Name)).Append("</a>\n");
        }

        html.Append("</nav>\n</header>\n<main>\n");
        t.Element("h1", "title");
        t.Element("p", "lead", "class=\"lead\"");

        // The form posts: without script the server answers it; with script app.js sends the same form and shows the
        // same answer. No number ever goes in a URL.
        html.Append("<form id=\"check\" method=\"post\" action=\"/\" novalidate data-checking=\"").Append(E(language["checking"]))
            .Append("\" data-unreachable=\"").Append(E(language["unreachable"])).Append("\">\n")
            .Append("<input type=\"hidden\" name=\"lang\" value=\"").Append(E(language.Code)).Append("\">\n")
            .Append("<div class=\"field\">\n<label for=\"region\">").Append(E(language["regionLabel"])).Append("</label>\n<select id=\"region\" name=\"region\">\n");
        foreach (var (code, name, callingCode) in _regions[language.Code])
        {
            html.Append("<option value=\"").Append(code).Append('"').Append(code == chosenRegion ? " selected" : "").Append('>')
                .Append(E(name)).Append(" (+").Append(callingCode.ToString(CultureInfo.InvariantCulture)).Append(")</option>\n");
        }

        var invalid = result as PageResult.Invalid;
        html.Append("</select>\n</div>\n<div class=\"field\">\n<label for=\"phone\">").Append(E(language["phoneLabel"])).Append("</label>\n")
            .Append("<input id=\"phone\" name=\"phone\" type=\"tel\" inputmode=\"tel\" autocomplete=\"off\" spellcheck=\"false\" aria-describedby=\"phone-hint phone-error\" required")
            .Append(invalid is null ? "" : " aria-invalid=\"true\" autofocus").Append(">\n");
        t.Element("p", "phoneHint", "id=\"phone-hint\" class=\"hint\"");
        html.Append("<p id=\"phone-error\" class=\"error\"").Append(invalid is null ? " hidden>" : ">")
            .Append(invalid is null ? "" : E(language.Errors.GetValueOrDefault(invalid.Reason) ?? language.Errors["other"])).Append("</p>\n</div>\n");
        t.Element("button", "submit", "id=\"submit\" type=\"submit\"");
        html.Append("</form>\n<section id=\"result\" aria-live=\"polite\" aria-atomic=\"true\" tabindex=\"-1\">"); // nothing inside until there is an answer: :empty
        switch (result)
        {
            case PageResult.Answer { Outcome.IsExposed: true } answer:
                Exposed(html, t, language, answer.Outcome);
                break;
            case PageResult.Answer:
                html.Append("<div class=\"notice safe\">\n");
                t.Element("h2", "safeTitle");
                t.Element("p", "safeText");
                html.Append("</div>\n");
                break;
            case PageResult.Refused refused:
                html.Append("<div class=\"notice exposed\">\n<h2>")
                    .Append(E(language[refused.TextKey].Replace("{seconds}", refused.RetryAfterSeconds?.ToString(CultureInfo.InvariantCulture) ?? "60", StringComparison.Ordinal)))
                    .Append("</h2>\n</div>\n");
                break;
        }

        html.Append("</section>\n<section class=\"privacy\">\n");
        t.Element("h2", "privacyTitle");
        t.Element("p", "privacyText");
        html.Append("<p><a href=\"/swagger\">").Append(E(language["apiLink"])).Append("</a></p>\n</section>\n</main>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void Exposed(StringBuilder html, Writer t, PageLanguage language, CheckOutcome outcome)
    {
        html.Append("<div class=\"notice exposed\">\n<h2>").Append(E(language.Plural("exposedTitle", outcome.Breaches.Count))).Append("</h2>\n");
        t.Element("p", "exposedLead");
        foreach (var breach in outcome.Breaches)
        {
            html.Append("<article class=\"card\">\n<h3>").Append(E(breach.TitleIn(language.Code))).Append("</h3>\n<p class=\"meta\">")
                .Append(E(language["breachDate"].Replace("{date}", language.Date(breach.BreachDate), StringComparison.Ordinal)))
                .Append(" · ").Append(E(language.Plural("records", breach.PwnCount))).Append("</p>\n");
            t.Element("h4", "leaked");
            html.Append("<ul class=\"badges\">\n");
            foreach (var dataClass in breach.DataClasses)
            {
                html.Append("<li>").Append(E(language.DataClass(dataClass))).Append("</li>\n");
            }

            html.Append("</ul>\n<div class=\"description\">").Append(Description(breach.DescriptionIn(language.Code))).Append("</div>\n</article>\n");
        }

        // One checklist for everything that leaked (a class in three breaches is one item), most urgent first: in the
        // order the language file lists its advice, then the classes it has no advice of its own for.
        html.Append("<section class=\"advice\">\n");
        t.Element("h3", "nextSteps");
        html.Append("<ul class=\"checklist\">\n");
        var rank = language.Advice.Keys.Select((dataClass, i) => (dataClass, i)).ToDictionary(x => x.dataClass, x => x.i, StringComparer.Ordinal);
        foreach (var dataClass in outcome.Breaches.SelectMany(b => b.DataClasses).Distinct(StringComparer.Ordinal).OrderBy(c => rank.GetValueOrDefault(c, int.MaxValue)))
        {
            var advice = language.AdviceFor(dataClass);
            html.Append("<li>\n<h4>").Append(E(language.DataClass(dataClass))).Append("</h4>\n<p><span class=\"label\">")
                .Append(E(language["risk"])).Append(":</span> ").Append(E(advice.Risk)).Append("</p>\n<ul class=\"steps\">\n");
            foreach (var step in advice.Steps)
            {
                html.Append("<li>").Append(E(step)).Append("</li>\n");
            }

            html.Append("</ul>\n");
            Links(html, language, advice.Links ?? []);
            html.Append("</li>\n");
        }

        html.Append("</ul>\n");
        t.Element("h3", "reportTitle");
        Links(html, language, language.ReportFor(outcome.Region));
        html.Append("</section>\n</div>\n");
    }

    private static void Links(StringBuilder html, PageLanguage language, IReadOnlyList<AdviceLink> links)
    {
        if (links.Count == 0)
        {
            return;
        }

        html.Append("<ul class=\"links\">\n");
        foreach (var link in links)
        {
            html.Append("<li>");
            if (link.Url is null)
            {
                html.Append(E(link.Text));
            }
            else
            {
                html.Append("<a href=\"").Append(E(link.Url)).Append("\" rel=\"noopener noreferrer\">").Append(E(link.Text)).Append("</a> <span class=\"owner\">(")
                    .Append(E(language["linkOwner"].Replace("{owner}", link.Owner, StringComparison.Ordinal))).Append(")</span>");
            }

            html.Append("</li>\n");
        }

        html.Append("</ul>\n");
    }

    /// <summary>A description's HTML through the allow-list; text without paragraphs becomes one, and blank lines split it.</summary>
    internal static string Description(string description)
    {
        var text = description.Trim();
        if (!text.Contains('<', StringComparison.Ordinal))
        {
            text = string.Concat(text.Split(["\r\n\r\n", "\n\n"], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(p => "<p>" + Encoder.Encode(p) + "</p>"));
        }

        return Sanitizer.Sanitize(text);
    }

    private static HtmlSanitizer CreateSanitizer()
    {
        var sanitizer = new HtmlSanitizer(new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(["p", "br", "em", "strong", "b", "i", "ul", "ol", "li", "a"], StringComparer.OrdinalIgnoreCase),
            AllowedAttributes = new HashSet<string>(["href"], StringComparer.OrdinalIgnoreCase),
            AllowedSchemes = new HashSet<string>(["https"], StringComparer.OrdinalIgnoreCase),
            UriAttributes = new HashSet<string>(["href"], StringComparer.OrdinalIgnoreCase),
            AllowedCssProperties = new HashSet<string>(StringComparer.OrdinalIgnoreCase),
            AllowedAtRules = new HashSet<AngleSharp.Css.Dom.CssRuleType>(),
        });
        sanitizer.KeepChildNodes = true; // an unknown tag (span, div) loses itself, not its text
        sanitizer.RemovingTag += (_, e) =>
        {
            // ... but what a script, a style or a frame holds is not text for a reader.
            if (e.Tag.LocalName is "script" or "style" or "iframe" or "noscript" or "template" or "object")
            {
                e.Tag.TextContent = "";
            }
        };
        sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is AngleSharp.Dom.IElement { LocalName: "a" } link)
            {
                link.SetAttribute("rel", "noopener noreferrer nofollow");
            }
        };
        return sanitizer;
    }

    private static string E(string text) => Encoder.Encode(text);

    /// <summary>Writes an element whose content is one of the language's texts.</summary>
    private readonly struct Writer(StringBuilder html, PageLanguage language)
    {
        public void Element(string tag, string key, string attributes = "") =>
            html.Append('<').Append(tag).Append(attributes.Length > 0 ? " " + attributes : "").Append('>')
                .Append(E(language[key])).Append("</").Append(tag).Append(">\n");
    }
}
