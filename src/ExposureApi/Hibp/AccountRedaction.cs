using Microsoft.AspNetCore.Http.Features;

namespace ExposureApi.Hibp;

/// <summary>
/// HIBP puts the account in the URL path, where the framework would log it (routing, static files, request
/// logging, exception pages). This middleware runs first: it takes the account out of the path and the raw
/// request target, keeps it only in the request's items for the endpoint, and leaves a fixed placeholder behind.
/// </summary>
internal static class AccountRedaction
{
    public const string Placeholder = "redacted";
    private const string ItemKey = "exposure.hibp.account";

    public static IApplicationBuilder UseAccountRedaction(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var path = context.Request.Path.Value;
        if (path is not null && path.StartsWith(HibpEndpoints.BreachedAccountPrefix, StringComparison.OrdinalIgnoreCase)
            && path.Length > HibpEndpoints.BreachedAccountPrefix.Length)
        {
            context.Items[ItemKey] = path[HibpEndpoints.BreachedAccountPrefix.Length..];
            context.Request.Path = HibpEndpoints.BreachedAccountPrefix + Placeholder;
            if (context.Features.Get<IHttpRequestFeature>() is { } request)
            {
                var query = request.RawTarget.IndexOf('?', StringComparison.Ordinal);
                request.RawTarget = HibpEndpoints.BreachedAccountPrefix + Placeholder + (query >= 0 ? request.RawTarget[query..] : "");
            }
        }

        return next(context);
    });

    /// <summary>
    /// HIBP refuses a request without a <c>User-Agent</c> with 403 ("each request to the API must be accompanied by a
    /// user agent"), before anything else; so does this API on <c>/api/v3</c>.
    /// </summary>
    public static IApplicationBuilder UseHibpUserAgentRule(this IApplicationBuilder app) => app.Use((context, next) =>
        Problems.Refusals.SpeaksHibp(context.Request) && string.IsNullOrWhiteSpace(context.Request.Headers.UserAgent)
            ? Problems.Refusals.ForbiddenAsync(
                context, "A User-Agent header is required.", "Forbidden - no user agent has been specified in the request.")
            : next(context));

    /// <summary>HIBP answers 404 with an empty body: no problem document on the v3 API.</summary>
    public static IApplicationBuilder UseHibpStatusCodes(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (Problems.Refusals.SpeaksHibp(context.Request) && context.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } pages)
        {
            pages.Enabled = false;
        }

        return next(context);
    });

    /// <summary>The account taken from the path (already URL-decoded by the server), once.</summary>
    public static string? TakeAccount(HttpContext context)
    {
        var account = context.Items[ItemKey] as string;
        context.Items.Remove(ItemKey);
        return account;
    }
}
