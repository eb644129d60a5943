using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ExposureApi.Core.Checks;
using ExposureApi.Core.Configuration;
using ExposureApi.Problems;
using Microsoft.Extensions.Options;

namespace ExposureApi.RateLimiting;

/// <summary>
/// The hashing queue's pushback: a check that finds every slot busy and the queue full, or that waited its whole
/// bound, is answered 503 with <c>Retry-After</c>. Under a crowd nearly every request ends here, so the answer is
/// made as cheaply as the framework allows: right after routing (before authentication, rate limiting and the
/// body), with a response written from prepared bytes. A request turned away as busy spends no rate-limit token.
/// </summary>
internal static class HashCapacity
{
    public const int RetryAfterSeconds = 1;

    private static readonly string RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);

    // The busy problem as the framework's writer would produce it, split around its traceId.
    private static readonly byte[] ProblemPrefix = Encoding.UTF8.GetBytes(
        $"{{\"type\":{JsonSerializer.Serialize(ProblemTypes.Busy.Uri)},\"title\":{JsonSerializer.Serialize(ProblemTypes.Busy.Title)},\"status\":503,"
        + $"\"detail\":{JsonSerializer.Serialize(ProblemTypes.Busy.Detail)},\"traceId\":\"");

    private static readonly byte[] ProblemSuffix = "\"}"u8.ToArray();

    private static readonly byte[] HibpBody = JsonSerializer.SerializeToUtf8Bytes(
        new Hibp.HibpError(503, "The service is busy. Try again in a moment."));

    /// <summary>Marks the endpoints that hash, and checks capacity for them: the shortcut before authentication, the filter around the handler.</summary>
    public static TBuilder RequireHashCapacity<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        return builder.WithMetadata(HashingEndpoint.Instance).AddEndpointFilter<TBuilder, HashCapacityFilter>();
    }

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

        await WriteBusyAsync(context);
    }

    /// <summary>The one 503 "busy" answer: problem+json, or HIBP's body on <c>/api/v3</c>, with <c>Retry-After</c>.</summary>
    public static Task WriteBusyAsync(HttpContext http)
    {
        http.RequestServices.GetRequiredService<Diagnostics.ExposureMetrics>().RecordCheck("rejected");
        var response = http.Response;
        response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        response.Headers.RetryAfter = RetryAfter;
        if (Hibp.HibpEndpoints.IsHibpRequest(http.Request))
        {
            response.ContentType = "application/json; charset=utf-8";
            response.ContentLength = HibpBody.Length;
            return response.Body.WriteAsync(HibpBody, http.RequestAborted).AsTask();
        }

        var traceId = System.Diagnostics.Activity.Current?.Id ?? http.TraceIdentifier;
        var length = ProblemPrefix.Length + Encoding.UTF8.GetByteCount(traceId) + ProblemSuffix.Length;
        response.ContentType = "application/problem+json";
        response.ContentLength = length;
        var writer = response.BodyWriter;
        var span = writer.GetSpan(length);
        ProblemPrefix.CopyTo(span);
        // A trace id is hex digits, dashes and colons: nothing JSON must escape.
        var written = ProblemPrefix.Length + Encoding.UTF8.GetBytes(JsonEncodedText.Encode(traceId).Value, span[ProblemPrefix.Length..]);
        ProblemSuffix.CopyTo(span[written..]);
        writer.Advance(written + ProblemSuffix.Length);
        return writer.FlushAsync(http.RequestAborted).AsTask();
    }

    private sealed class HashingEndpoint
    {
        public static readonly HashingEndpoint Instance = new();
    }
}

/// <summary>Answers 503 when the wait for a hashing slot runs out, or the queue filled after the shortcut looked.</summary>
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
            // A check that has already waited its bound is answered now; one that found the queue full, after the pause.
            await (e.WaitedItsBound ? HashCapacity.WriteBusyAsync(context.HttpContext) : HashCapacity.PauseThenWriteBusyAsync(context.HttpContext));
            return Results.Empty;
        }
    }
}
