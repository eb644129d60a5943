using ExposureApi.Core.Normalization;
using Microsoft.AspNetCore.Http.HttpResults;
using PhoneNumbers;

namespace ExposureApi.WebPage;

/// <summary>The citizens' page (wwwroot): static files, the security headers every response carries, and its region list.</summary>
internal static class WebPageExtensions
{
    // No inline script or style, nothing from another origin, no framing. Swagger UI needs inline styles.
    private const string PageCsp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    private const string SwaggerCsp = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        + "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments("/swagger") ? SwaggerCsp : PageCsp;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.XFrameOptions = "DENY";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
            // Check answers are about one person: never cached by a browser or a proxy.
            if (context.Request.Path.StartsWithSegments("/api"))
            {
                headers.CacheControl = "no-store";
            }

            return Task.CompletedTask;
        });
        return next(context);
    });

    public static IEndpointRouteBuilder MapRegions(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/regions", GetRegions)
            .WithTags("Checks")
            .WithName("ListRegions")
            .WithSummary("The regions a number can be read in, with their calling codes, and the service's default.")
            .WithDescription("What the citizens' page offers in its country list; no key needed.");
        return app;
    }

    /// <summary>Every region a number can be read in, with its calling code: the API's list and the page's.</summary>
    internal static IReadOnlyList<RegionInfo> Regions { get; } =
        [.. PhoneNormalizer.SupportedRegions.Select(r => new RegionInfo(r, PhoneNumberUtil.GetInstance().GetCountryCodeForRegion(r)))];

    internal static Ok<RegionList> GetRegions(PhoneNormalizer normalizer) => TypedResults.Ok(new RegionList(normalizer.DefaultRegion, Regions));
}

public sealed record RegionList(string DefaultRegion, IReadOnlyList<RegionInfo> Regions);

public sealed record RegionInfo(string Code, int CallingCode);
