using ExposureApi.Core.Checks;
using ExposureApi.Core.Configuration;
using ExposureApi.Problems;
using Microsoft.Extensions.Options;

namespace ExposureApi.RateLimiting;

/// <summary>
/// The hashing queue's pushback: a check that finds every slot busy and the queue full, or that waited its whole
/// bound, is answered 503 with <c>Retry-After</c> (<see cref="Refusals.BusyAsync"/>). Under a crowd nearly every
/// request ends here, so it is turned away right after routing, before authentication, rate limiting and its body,
/// and so spends no rate-limit token.
/// </summary>
internal static class HashCapacity
{
    /// <summary>Marks the endpoints that hash, and checks capacity for them: the shortcut before authentication, the filter around the handler.</summary>
    public static TBuilder RequireHashCapacity<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(HashingEndpoint.Instance).AddEndpointFilter<TBuilder, HashCapacityFilter>();

    /// <summary>
    /// Turns hashing requests away while the queue is full, after routing and before anything costlier, and after a
    /// pause (<c>Exposure:Hashing:BusyPauseMilliseconds</c>): a crowd that asks again the moment it is answered then
    /// asks less often, and the CPU the hashing threads need is not spent on turning it away.
    /// </summary>
    public static IApplicationBuilder UseHashCapacityShortcut(this IApplicationBuilder app) => app.Use((context, next) =>
        context.GetEndpoint()?.Metadata.GetMetadata<HashingEndpoint>() is not null && context.RequestServices.GetRequiredService<ExposureChecker>().IsSaturated
            ? PauseThenWriteBusyAsync(context)
            : next(context));

    /// <summary>The answer to a check that found the queue full: the pause, then 503.</summary>
    public static async Task PauseThenWriteBusyAsync(HttpContext context)
    {
        var pause = TimeSpan.FromMilliseconds(context.RequestServices.GetRequiredService<IOptions<ExposureOptions>>().Value.Hashing.BusyPauseMilliseconds);
        if (pause > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(pause, context.RequestAborted);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                return; // the client left: nobody to answer
            }
        }

        await Refusals.BusyAsync(context);
    }

    private sealed class HashingEndpoint
    {
        public static readonly HashingEndpoint Instance = new();
    }
}

/// <summary>
/// Answers 503 when the wait for a hashing slot runs out, or the queue filled after the shortcut looked, and gives the
/// caller back the rate-limit tokens the request took.
/// </summary>
internal sealed class HashCapacityFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (HashCapacityExceededException e)
        {
            // The service turned the request away, not the caller's rate: the tokens it took (a batch's too) go back.
            context.HttpContext.RequestServices.GetRequiredService<CheckRateLimiter>().Refund(context.HttpContext);
            // A check that has already waited its bound is answered now; one that found the queue full, after the pause.
            await (e.WaitedItsBound ? Refusals.BusyAsync(context.HttpContext) : HashCapacity.PauseThenWriteBusyAsync(context.HttpContext));
            return Results.Empty;
        }
    }
}
