using System.Text.Json.Serialization.Metadata;
using ExposureApi.Core.Storage;
using ExposureApi.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ExposureApi.Breaches;

/// <summary>The breaches the service knows: public metadata, no phone numbers.</summary>
internal static class BreachEndpoints
{
    // HIBP's model has these three; the v1 API has never shown them. Every other property of the record is shown, so
    // a field added to Breach reaches the v1 API with no further edit. Reading a breach (admin PUT) still takes them.
    private static readonly HashSet<string> NotInV1 = [nameof(Breach.LogoPath), nameof(Breach.IsSubscriptionFree), nameof(Breach.IsStealerLog), nameof(Breach.Translations)];

    /// <summary>The v1 API's JSON for a <see cref="Breach"/>: the record as it is, less the HIBP-only fields.</summary>
    public static IServiceCollection AddBreachJson(this IServiceCollection services) =>
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolver = json.SerializerOptions.TypeInfoResolver!
            .WithAddedModifier(contract =>
            {
                if (contract.Type == typeof(Breach))
                {
                    foreach (var property in contract.Properties.Where(p => p.AttributeProvider is System.Reflection.PropertyInfo info && NotInV1.Contains(info.Name)))
                    {
                        property.ShouldSerialize = (_, _) => false;
                    }
                }
            }));

    public static RouteGroupBuilder MapBreachEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1").WithTags("Breaches");

        group.MapGet("/breaches", GetBreaches)
            .WithName("ListBreaches")
            .WithSummary("Lists every breach the service holds, oldest first.")
            .WithDescription("Retired breaches are left out. Breaches flagged sensitive are listed: their metadata is public, only membership is not.");

        group.MapGet("/breaches/{name}", GetBreach)
            .WithName("GetBreach")
            .WithSummary("Gets one breach by name (case-insensitive).")
            .WithDescription("Retired breaches are returned too, with isRetired set, so that a name once published keeps resolving.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/dataclasses", GetDataClasses)
            .WithName("ListDataClasses")
            .WithSummary("Lists the kinds of data exposed across all breaches, sorted.")
            .WithDescription("The distinct data classes of the breaches that checks report; no key needed.");

        return group;
    }

    // The API's breach is the store's record as it is: a field added to Breach appears here with no other edit.
    internal static async Task<Ok<IReadOnlyList<Breach>>> GetBreaches(ExposureStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.Breaches.ListAsync(includeRetired: false, cancellationToken));

    internal static async Task<Results<Ok<Breach>, ProblemHttpResult>> GetBreach(string name, ExposureStore store, CancellationToken cancellationToken) =>
        await store.Breaches.GetAsync(name, cancellationToken) is { } breach
            ? TypedResults.Ok(breach)
            : ProblemTypes.Result(ProblemTypes.BreachNotFound);

    internal static async Task<Ok<IReadOnlyList<string>>> GetDataClasses(ExposureStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.Breaches.ListDataClassesAsync(cancellationToken));
}
