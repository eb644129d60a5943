using ExposureApi.Core.Checks;
using ExposureApi.Problems;

namespace ExposureApi.RateLimiting;

/// <summary>
/// Turns a full hashing queue into an immediate 503 with Retry-After, so that a crowd is answered rather than
/// queued without bound. Rate limits (429) have already been applied by then.
/// </summary>
internal sealed class HashCapacityFilter : IEndpointFilter
{
    public const int RetryAfterSeconds = 1;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        // Under a crowd most requests end here: turned away before their body is read, at the least cost per request.
        if (context.HttpContext.RequestServices.GetRequiredService<ExposureChecker>().IsSaturated)
        {
            return await BusyAsync(context.HttpContext);
        }

        try
        {
            return await next(context);
        }
        catch (HashCapacityExceededException)
        {
            return await BusyAsync(context.HttpContext);
        }
    }

    private static async Task<IResult> BusyAsync(HttpContext http)
    {
        http.RequestServices.GetRequiredService<Diagnostics.ExposureMetrics>().RecordCheck("rejected");
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (Hibp.HibpEndpoints.IsHibpRequest(http.Request))
        {
            await http.Response.WriteAsJsonAsync(new Hibp.HibpError(503, "The service is busy. Try again in a moment."));
        }
        else
        {
            await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails = { Status = 503, Type = ProblemTypes.Busy.Uri, Title = ProblemTypes.Busy.Title, Detail = ProblemTypes.Busy.Detail },
            });
        }

        return Results.Empty;
    }
}
