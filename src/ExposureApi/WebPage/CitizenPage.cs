using System.Text;
using ExposureApi.Core.Checks;
using ExposureApi.Problems;
using ExposureApi.RateLimiting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ExposureApi.WebPage;

/// <summary>
/// The citizens' page at <c>/</c>: <c>GET</c> renders it in the visitor's language, <c>POST</c> answers its form with
/// the same page and the result, so it works with script off (data-saver browsers, a slow network where app.js has
/// not arrived yet). The number travels in the POST body only; the page never writes it back, and no URL, log line or
/// cache holds it. A POST is a check like any other: the same hashing capacity and the same anonymous rate limit.
/// </summary>
internal static partial class CitizenPage
{
    /// <summary>A form with a number, a region and a language; anything near this size is not one.</summary>
    private const int MaxFormBytes = 4096;

    public static IServiceCollection AddCitizenPage(this IServiceCollection services)
    {
        services.AddOptions<WebPageOptions>().BindConfiguration(WebPageOptions.Section).ValidateOnStart();
        services.AddSingleton<LanguageFiles>();
        services.AddSingleton<IValidateOptions<WebPageOptions>, WebPageOptionsValidation>();
        services.AddSingleton(provider =>
        {
            var (languages, problems) = provider.GetRequiredService<LanguageFiles>().Read(provider.GetRequiredService<IOptions<WebPageOptions>>().Value.LanguagesPath);
            return languages ?? throw new OptionsValidationException(WebPageOptions.Section, typeof(WebPageOptions), [.. problems]);
        });
        services.AddSingleton<PageRenderer>();
        services.AddSingleton<StaticAssetPaths>();
        return services;
    }

    public static IEndpointRouteBuilder MapCitizenPage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", Show).ExcludeFromDescription();
        app.MapPost("/", CheckAsync)
            .ExcludeFromDescription()
            .RequireHashCapacity()
            .WithMetadata(new CheckRateLimitedAttribute(), new CitizenPageEndpoint());
        return app;
    }

    /// <summary>Whether <paramref name="http"/> is the page's own form post, whose refusals are a page, not problem+json.</summary>
    public static bool Answers(HttpContext http) => http.GetEndpoint()?.Metadata.GetMetadata<CitizenPageEndpoint>() is not null;

    /// <summary>A 429 or 503 for the form, as the page in the visitor's language saying when to try again.</summary>
    public static async Task WriteRefusalAsync(HttpContext http, int status, int? retryAfterSeconds)
    {
        var renderer = http.RequestServices.GetRequiredService<PageRenderer>();
        var language = renderer.Languages.Choose(await ChosenLanguageAsync(http), http.Request.Headers.AcceptLanguage);
        var result = new PageResult.Refused(status == StatusCodes.Status429TooManyRequests ? "rateLimited" : "busy", retryAfterSeconds);
        await Page(http, renderer.Render(language, result, null), status).ExecuteAsync(http);
    }

    // The language field of a refused form, when the form can be read at all; the refusal is written either way.
    private static async Task<string?> ChosenLanguageAsync(HttpContext http)
    {
        try
        {
            return http.Request.HasFormContentType ? (string?)(await ReadFormAsync(http, http.RequestAborted))["lang"] : null;
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return null;
        }
    }

    private static Task<IFormCollection> ReadFormAsync(HttpContext http, CancellationToken cancellationToken)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxFormBytes;
        }

        return http.Request.ReadFormAsync(new FormOptions { ValueCountLimit = 8, KeyLengthLimit = 16, ValueLengthLimit = 1024 }, cancellationToken);
    }

    internal static ContentHttpResult Show(HttpContext http, PageRenderer renderer, string? lang)
    {
        var language = renderer.Languages.Choose(lang, http.Request.Headers.AcceptLanguage);
        return Page(http, renderer.Render(language, new PageResult.None(), null), StatusCodes.Status200OK);
    }

    internal static async Task<ContentHttpResult> CheckAsync(
        HttpContext http, PageRenderer renderer, ExposureChecker checker, Diagnostics.ExposureMetrics metrics, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var language = renderer.Languages.Choose(null, http.Request.Headers.AcceptLanguage);
        if (!http.Request.HasFormContentType)
        {
            return Page(http, renderer.Render(language, new PageResult.Invalid("other"), null), StatusCodes.Status415UnsupportedMediaType);
        }

        IFormCollection form;
        try
        {
            form = await ReadFormAsync(http, cancellationToken);
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException)
        {
            return Page(http, renderer.Render(language, new PageResult.Invalid("other"), null), StatusCodes.Status400BadRequest);
        }

        language = renderer.Languages.Choose(form["lang"], http.Request.Headers.AcceptLanguage);
        string? region = form["region"];
        var outcome = await checker.CheckAsync(form["phone"], region, includeSensitive: false, cancellationToken);
        metrics.RecordCheck(outcome);
        var logger = loggers.CreateLogger(typeof(CitizenPage));
        if (outcome.Rejection is { } reason)
        {
            LogRejected(logger, reason);
            // 422: the form was understood but its number cannot be checked; the page says why, beside the field.
            return Page(http, renderer.Render(language, new PageResult.Invalid(ProblemTypes.For(reason).Slug), region), StatusCodes.Status422UnprocessableEntity);
        }

        LogAnswered(logger, outcome.IsExposed, outcome.Breaches.Count);
        return Page(http, renderer.Render(language, new PageResult.Answer(outcome), region), StatusCodes.Status200OK);
    }

    private static ContentHttpResult Page(HttpContext http, string html, int status)
    {
        // An answer is about one person: never cached. The empty page varies with the visitor's language.
        http.Response.Headers.CacheControl = HttpMethods.IsGet(http.Request.Method) ? "no-cache" : "no-store";
        http.Response.Headers.Vary = "Accept-Language";
        return TypedResults.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Page check rejected: {Reason}")]
    private static partial void LogRejected(ILogger logger, Core.Normalization.RejectionReason reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Page check answered: exposed {Exposed} in {BreachCount} breaches")]
    private static partial void LogAnswered(ILogger logger, bool exposed, int breachCount);

    /// <summary>Marks the page's form post, so that refusals answer it with the page.</summary>
    private sealed class CitizenPageEndpoint;
}
