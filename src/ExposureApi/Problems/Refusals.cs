using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;

namespace ExposureApi.Problems;

/// <summary>
/// The one place a request is turned away: 401, 403, 429 and 503, in the caller's dialect. On <c>/api/v3</c> that is
/// HIBP's body, <c>{"statusCode": 429, "message": "..."}</c>, in HIBP's words where a client might match on them;
/// to the citizens' page's form it is the page, saying when to try again; everywhere else it is problem+json with the
/// problem's stable type.
/// </summary>
internal static class Refusals
{
    /// <summary>The prefix of the HIBP v3 API, whose callers expect HIBP's error bodies.</summary>
    public const string HibpPrefix = "/api/v3";

    /// <summary>How long a caller turned away as busy should wait.</summary>
    public const int BusyRetryAfterSeconds = 1;

    public static bool SpeaksHibp(HttpRequest request) => request.Path.StartsWithSegments(HibpPrefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>401, with HIBP's own words on <c>/api/v3</c> ("Access denied due to missing hibp-api-key.").</summary>
    public static Task UnauthorizedAsync(HttpContext http, string detail, string hibpMessage) =>
        WriteAsync(http, ProblemTypes.Unauthorized, detail, hibpMessage);

    public static Task ForbiddenAsync(HttpContext http, string detail, string? hibpMessage = null) =>
        WriteAsync(http, ProblemTypes.Forbidden, detail, hibpMessage ?? detail);

    /// <summary>429: the caller's rate limit is spent; <paramref name="retryAfterSeconds"/> until it has tokens again.</summary>
    public static Task RateLimitedAsync(HttpContext http, int retryAfterSeconds) =>
        WriteAsync(
            http,
            ProblemTypes.RateLimited,
            $"Too many checks. Try again in {retryAfterSeconds} seconds.",
            $"Rate limit is exceeded. Try again in {retryAfterSeconds} seconds.",
            retryAfterSeconds,
            turnedAway: true);

    /// <summary>503: every hashing slot is busy and the queue is full, or the wait for a slot ran out.</summary>
    public static Task BusyAsync(HttpContext http) =>
        WriteAsync(http, ProblemTypes.Busy, ProblemTypes.Busy.Detail, "The service is busy. Try again in a moment.", BusyRetryAfterSeconds, turnedAway: true);

    private static async Task WriteAsync(
        HttpContext http, ProblemTypes.ProblemType type, string detail, string hibpMessage, int? retryAfterSeconds = null, bool turnedAway = false)
    {
        if (turnedAway)
        {
            http.RequestServices.GetRequiredService<Diagnostics.ExposureMetrics>().RecordCheck("rejected");
        }

        http.Response.StatusCode = type.Status;
        if (retryAfterSeconds is { } seconds)
        {
            http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        if (WebPage.CitizenPage.Answers(http))
        {
            await WebPage.CitizenPage.WriteRefusalAsync(http, type.Status, retryAfterSeconds);
            return;
        }

        if (SpeaksHibp(http.Request))
        {
            await http.Response.WriteAsJsonAsync(new HibpError(type.Status, hibpMessage));
            return;
        }

        var problem = new ProblemDetails { Status = type.Status, Type = type.Uri, Title = type.Title, Detail = detail };
        if (type == ProblemTypes.RateLimited && retryAfterSeconds is { } wait)
        {
            problem.Extensions["retryAfterSeconds"] = wait;
        }

        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem });
    }
}

/// <summary>HIBP's error body: <c>{"statusCode": 401, "message": "..."}</c>.</summary>
public sealed record HibpError([property: JsonPropertyName("statusCode")] int StatusCode, [property: JsonPropertyName("message")] string Message);
