using System.Globalization;
using System.Text.Json.Serialization;
using ExposureApi.Auth;
using ExposureApi.Core.Checks;
using ExposureApi.Core.Keys;
using ExposureApi.Problems;
using ExposureApi.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ExposureApi.Checks;

/// <summary>A batch: up to 100 numbers and an optional region for all of them.</summary>
public sealed record BatchCheckRequest(IReadOnlyList<string?>? PhoneNumbers, string? Region = null)
{
    public override string ToString() => $"BatchCheckRequest {{ Count = {PhoneNumbers?.Count}, Region = {Region} }}";
}

/// <summary>One result per submitted number, in the order submitted. Numbers are not echoed back.</summary>
public sealed record BatchCheckResponse(IReadOnlyList<BatchCheckItem> Results);

/// <summary>
/// Either the answer for one number (<c>exposed</c>, <c>breaches</c>) or why it was not checked (<c>error</c>); the
/// other members are left out, not written as null, so the body is what the document's schema says.
/// </summary>
public sealed record BatchCheckItem(
    int Index,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Exposed,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ExposedBreach>? Breaches,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] BatchItemError? Error);

/// <summary>A per-number error: the same stable <c>type</c> a single check would return.</summary>
public sealed record BatchItemError(string Type, string Title);

internal static class BatchCheckEndpoints
{
    public const int MaxNumbers = 100;
    public const int MaxBodyBytes = 64 * 1024;

    public static RouteHandlerBuilder MapBatchCheck(this RouteGroupBuilder group) =>
        group.MapPost("/check/batch", CheckBatch)
            .RequireAuthorization(ApiKeyDefaults.CheckPolicy)
            .WithMetadata(new CheckRateLimitedAttribute(perNumber: true))
            .WithName("CheckPhoneNumbersBatch")
            .WithSummary("Checks up to 100 phone numbers in one call (scope check).")
            .WithDescription("One result per input, in the same order; an invalid number gets a per-item error and does not fail the batch. "
                + "Each number counts against the key's rate limit. Numbers are hashed in parallel within the service's hash concurrency limit.")
            .Accepts<BatchCheckRequest>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden);

    internal static async Task<Results<Ok<BatchCheckResponse>, ProblemHttpResult, EmptyHttpResult>> CheckBatch(
        HttpContext context,
        JsonRequestBody body,
        ExposureChecker checker,
        CheckRateLimiter limiter,
        Diagnostics.ExposureMetrics metrics,
        CancellationToken cancellationToken)
    {
        var (request, problem) = await body.ReadAsync<BatchCheckRequest>(context.Request, MaxBodyBytes, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (request!.PhoneNumbers is not { Count: > 0 and <= MaxNumbers } numbers)
        {
            return ProblemTypes.Result(ProblemTypes.BatchInvalid);
        }

        // A batch larger than the caller's whole minute could never be granted, however long it waited.
        if (numbers.Count > limiter.RateFor(context))
        {
            return ProblemTypes.Result(ProblemTypes.BatchExceedsRate, string.Create(
                CultureInfo.InvariantCulture,
                $"This batch holds {numbers.Count} numbers, but this API key may check at most {limiter.RateFor(context)} a minute. Send batches of at most {limiter.RateFor(context)} numbers."));
        }

        // Every number takes a token, all at once: a batch too large for what is left costs nothing.
        using (var lease = limiter.AcquirePerNumber(context, numbers.Count))
        {
            if (!lease.IsAcquired)
            {
                await Refusals.RateLimitedAsync(context, CheckRateLimiter.RetryAfterSeconds(lease));
                return TypedResults.Empty;
            }
        }

        var includeSensitive = context.User.HasScope(ApiScopes.CheckSensitive);
        // At most one number per hashing slot in flight: a batch of 100 must not fill the shared wait queue (and be
        // turned away by it) when it can take its turn slot by slot like everyone else.
        var outcomes = new CheckOutcome[numbers.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, numbers.Count),
            new ParallelOptions { MaxDegreeOfParallelism = checker.HashSlots, CancellationToken = cancellationToken },
            async (i, token) => outcomes[i] = await checker.CheckAsync(numbers[i], request.Region, includeSensitive, token));
        foreach (var outcome in outcomes)
        {
            metrics.RecordCheck(outcome);
        }

        return TypedResults.Ok(new BatchCheckResponse([.. outcomes.Select((outcome, i) => outcome.Rejection is { } reason
            ? new BatchCheckItem(i, null, null, new BatchItemError(ProblemTypes.For(reason).Uri, ProblemTypes.For(reason).Title))
            : new BatchCheckItem(i, outcome.IsExposed, [.. outcome.Breaches.Select(ExposedBreach.From)], null))]));
    }
}
