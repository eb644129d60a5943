using ExposureApi.Core.Checks;
using ExposureApi.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ExposureApi.Checks;

/// <summary>POST /api/v1/check: is this number in a known breach?</summary>
internal static partial class CheckEndpoints
{
    /// <summary>A check body is a number and a region; anything near this size is not a check.</summary>
    public const int MaxBodyBytes = 4096;

    public static RouteGroupBuilder MapCheckEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1").WithTags("Checks");

        group.MapPost("/check", Check)
            .WithName("CheckPhoneNumber")
            .WithSummary("Checks whether a phone number appears in a known breach.")
            .WithDescription(
                "The number travels in the body only, never in the URL. It is normalised to E.164, hashed with Argon2id "
                + "under the service's secret pepper, and looked up by hash; the number itself is never stored or logged. "
                + "Breaches flagged sensitive are not disclosed to anonymous callers.")
            .Accepts<CheckRequest>("application/json")
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        return group;
    }

    internal static async Task<Results<Ok<CheckResponse>, ValidationProblem, ProblemHttpResult>> Check(
        HttpRequest request,
        JsonRequestBody body,
        ExposureChecker checker,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var (checkRequest, problem) = await body.ReadAsync<CheckRequest>(request, MaxBodyBytes, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var outcome = await checker.CheckAsync(checkRequest!.PhoneNumber, checkRequest.Region, includeSensitive: false, cancellationToken);
        var logger = loggers.CreateLogger(typeof(CheckEndpoints));
        if (outcome.Rejection is { } reason)
        {
            LogRejected(logger, reason);
            return ProblemTypes.Rejection(reason);
        }

        LogAnswered(logger, outcome.IsExposed, outcome.Breaches.Count);
        return TypedResults.Ok(new CheckResponse(outcome.IsExposed, [.. outcome.Breaches.Select(ExposedBreach.From)]));
    }

    // Only the outcome is logged: never the number, its canonical form or its hash.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Check rejected: {Reason}")]
    private static partial void LogRejected(ILogger logger, Core.Normalization.RejectionReason reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Check answered: exposed {Exposed} in {BreachCount} breaches")]
    private static partial void LogAnswered(ILogger logger, bool exposed, int breachCount);
}
