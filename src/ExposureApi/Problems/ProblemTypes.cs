using Microsoft.AspNetCore.Http.HttpResults;
using ExposureApi.Core.Normalization;

namespace ExposureApi.Problems;

/// <summary>
/// The stable problem <c>type</c> of every error the API returns (RFC 9457). Clients branch on these, so they
/// never change; each resolves to a short explanation under <c>/problems/</c>. No title or detail ever
/// contains the submitted number.
/// </summary>
internal static class ProblemTypes
{
    public sealed record ProblemType(string Slug, int Status, string Title, string Detail)
    {
        public string Uri => $"/problems/{Slug}";
    }

    public static readonly ProblemType Missing = new("phone-number-missing", 400,
        "A phone number is required.", "Send the number to check in the phoneNumber field.");
    public static readonly ProblemType NotANumber = new("phone-number-not-a-number", 400,
        "That is not a phone number.", "The phoneNumber field must hold a phone number: digits, optionally with +, spaces, dashes or brackets.");
    public static readonly ProblemType TooShort = new("phone-number-too-short", 400,
        "The phone number is too short.", "The number has fewer digits than numbers in its country. Check it, or give the country code or region.");
    public static readonly ProblemType TooLong = new("phone-number-too-long", 400,
        "The phone number is too long.", "The number has more digits than numbers in its country. Check it, or give the country code or region.");
    public static readonly ProblemType InvalidLength = new("phone-number-invalid-length", 400,
        "The phone number has the wrong number of digits.", "No number in its country has that many digits. Check it, or give the country code or region.");
    public static readonly ProblemType InvalidCountryCode = new("phone-number-invalid-country-code", 400,
        "The country code does not exist.", "The number starts with a country calling code that is not assigned. Check the digits after + or 00.");
    public static readonly ProblemType InvalidRegion = new("region-invalid", 400,
        "The region is not known.", "region must be a two-letter ISO 3166 code, such as IN, GB or US.");
    public static readonly ProblemType MalformedJson = new("malformed-json", 400,
        "The request body is not valid JSON.", "Send a JSON object such as {\"phoneNumber\": \"...\", \"region\": \"IN\"}.");
    public static readonly ProblemType UnsupportedMediaType = new("unsupported-media-type", 415,
        "The request body must be JSON.", "Send the body with Content-Type: application/json.");
    public static readonly ProblemType BodyTooLarge = new("request-body-too-large", 413,
        "The request body is too large.", "The request body is larger than this endpoint accepts; a check request must be at most 4 KiB.");
    public static readonly ProblemType BreachNotFound = new("breach-not-found", 404,
        "No such breach.", "There is no breach with that name. GET /api/v1/breaches lists them.");

    public static readonly ProblemType Unauthorized = new("unauthorized", 401,
        "An API key is required, or the one sent is not valid.", "Send a valid key in the X-Api-Key header.");
    public static readonly ProblemType Forbidden = new("forbidden", 403,
        "This API key may not do that.", "The key does not have the scope this operation needs.");
    public static readonly ProblemType RateLimited = new("rate-limited", 429,
        "Too many checks.", "Wait the number of seconds in the Retry-After header, then try again.");
    public static readonly ProblemType BatchInvalid = new("batch-invalid", 400,
        "The batch is not valid.", "Send {\"phoneNumbers\": [...]} with between 1 and 100 numbers.");
    public static readonly ProblemType BatchExceedsRate = new("batch-exceeds-rate-limit", 400,
        "The batch holds more numbers than the key may check in a minute.", "Split it into batches no larger than the key's rate per minute; the detail gives it.");
    public static readonly ProblemType BreachNameInvalid = new("breach-name-invalid", 400,
        "The breach metadata is not valid.", "Names use letters, digits, '.', '_' and '-'; a Title and a BreachDate are required.");
    public static readonly ProblemType HashFileInvalid = new("hash-file-invalid", 400,
        "The hash file is malformed.", "The detail names the line; nothing was loaded.");
    public static readonly ProblemType SchemeMismatch = new("scheme-mismatch", 409,
        "The hash file was made under another hash scheme.", "Hash the dump again with this store's pepper, salt and parameters; nothing was loaded.");

    public static readonly ProblemType Busy = new("service-busy", 503,
        "The service is busy.", "Every hashing slot is in use and too many checks are waiting. Try again after the seconds in Retry-After.");

    public static IReadOnlyList<ProblemType> All { get; } =
    [
        Busy,
        Missing, NotANumber, TooShort, TooLong, InvalidLength, InvalidCountryCode, InvalidRegion, MalformedJson, UnsupportedMediaType,
        BodyTooLarge, BreachNotFound, Unauthorized, Forbidden, RateLimited, BatchInvalid, BatchExceedsRate, BreachNameInvalid, HashFileInvalid, SchemeMismatch,
    ];

    public static ProblemType For(RejectionReason reason) => reason switch
    {
        RejectionReason.Missing => Missing,
        RejectionReason.NotANumber => NotANumber,
        RejectionReason.TooShort => TooShort,
        RejectionReason.TooLong => TooLong,
        RejectionReason.InvalidLength => InvalidLength,
        RejectionReason.InvalidCountryCode => InvalidCountryCode,
        RejectionReason.InvalidRegion => InvalidRegion,
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };

    /// <summary>The field a rejection is about, for the <c>errors</c> member of a validation problem.</summary>
    public static string FieldFor(RejectionReason reason) => reason == RejectionReason.InvalidRegion ? "region" : "phoneNumber";

    public static ProblemHttpResult Result(ProblemType type, string? detail = null) =>
        TypedResults.Problem(title: type.Title, detail: detail ?? type.Detail, statusCode: type.Status, type: type.Uri);

    public static ValidationProblem Rejection(RejectionReason reason)
    {
        var type = For(reason);
        return TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { [FieldFor(reason)] = [type.Title] },
            detail: type.Detail,
            title: type.Title,
            type: type.Uri,
            extensions: new Dictionary<string, object?> { ["reason"] = type.Slug });
    }

    /// <summary>
    /// ProblemDetails for every error, including those the framework raises before a handler runs (routing's 415
    /// for a body that is not JSON, Kestrel's 413), which get the same stable types as the handlers' own.
    /// </summary>
    public static IServiceCollection AddExposureProblemDetails(this IServiceCollection services) =>
        services.Configure<ExceptionHandlerOptions>(options =>
            // A request Kestrel found bad while an endpoint read it (a body past the server's limit, a client that stopped
            // sending) is the client's error with Kestrel's own status, never a 500.
            options.StatusCodeSelector = e => e is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError)
        .AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            if (problem.Type is not null && problem.Type.StartsWith("/problems/", StringComparison.Ordinal))
            {
                return;
            }

            var known = problem.Status switch
            {
                StatusCodes.Status415UnsupportedMediaType => UnsupportedMediaType,
                StatusCodes.Status413PayloadTooLarge => BodyTooLarge,
                _ => null,
            };
            if (known is not null)
            {
                (problem.Type, problem.Title, problem.Detail) = (known.Uri, known.Title, known.Detail);
            }
        });

    /// <summary>Serves a short explanation of each problem type at its <c>type</c> URI.</summary>
    public static IEndpointRouteBuilder MapProblemTypes(this IEndpointRouteBuilder app)
    {
        app.MapGet("/problems/{slug}", Results<Ok<ProblemTypeDocument>, NotFound> (string slug) =>
                All.FirstOrDefault(t => t.Slug == slug) is { } type
                    ? TypedResults.Ok(new ProblemTypeDocument(type.Uri, type.Status, type.Title, type.Detail))
                    : TypedResults.NotFound())
            .WithName("GetProblemType")
            .WithSummary("Explains one problem type.")
            .WithTags("Problems")
            .ExcludeFromDescription();
        return app;
    }

    public sealed record ProblemTypeDocument(string Type, int Status, string Title, string Description);
}
