using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ExposureApi.Auth;
using ExposureApi.Core.Ingestion;
using ExposureApi.Core.Storage;
using ExposureApi.Problems;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace ExposureApi.Admin;

/// <summary>Remote loading and store administration (scope admin): the same code and guarantees as the CLI.</summary>
internal static class AdminEndpoints
{
    public static IServiceCollection AddAdminOptions(this IServiceCollection services)
    {
        services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.Section)
            .Validate(o => o.MaxUploadBytes > 0, "Exposure:Admin:MaxUploadBytes must be more than 0.")
            .Validate(o => o.TempFolder is null || Directory.Exists(o.TempFolder), "Exposure:Admin:TempFolder must be an existing folder.")
            .ValidateOnStart();
        return services;
    }

    public static RouteGroupBuilder MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/admin").WithTags("Admin").RequireAuthorization(ApiKeyDefaults.AdminPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        group.MapPut("/breaches/{name}", PutBreach)
            .WithName("PutBreach")
            .WithSummary("Creates or updates a breach's metadata (HIBP's fields; the name comes from the URL).")
            .Accepts<Breach>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest);

        group.MapPost("/breaches/{name}/hashes", UploadHashes)
            .WithName("UploadHashes")
            .WithSummary("Loads a hash file (format v1, plain or Content-Encoding: gzip) into a breach, streamed.")
            .WithDescription("The same loader as 'exposure load': the scheme header is checked first (409), every line is parsed before anything "
                + "is written (400 names the line), and the rows go in in one transaction, so the load is all or nothing and idempotent.")
            .Accepts<string>("text/plain")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

        group.MapPost("/breaches/{name}/retire", Retire)
            .WithName("RetireBreach")
            .WithSummary("Retires a breach: kept, but no longer reported by checks.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/stats", Stats).WithName("AdminStats").WithSummary("Hashes per breach and the store's size.");
        group.MapGet("/loads", Loads).WithName("AdminLoads").WithSummary("The most recent loads, newest first.");
        return group;
    }

    internal static async Task<Results<Created<Breach>, Ok<Breach>, ProblemHttpResult>> PutBreach(
        string name,
        HttpRequest request,
        JsonRequestBody body,
        IOptions<JsonOptions> jsonOptions,
        ExposureStore store,
        CancellationToken cancellationToken)
    {
        var (read, problem) = await body.ReadAsync<JsonObject>(request, 64 * 1024, cancellationToken);
        if (read is not { } json)
        {
            return problem!;
        }

        // The name comes from the URL, whatever the body says.
        foreach (var key in json.Select(p => p.Key).Where(k => k.Equals("name", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            json.Remove(key);
        }

        json["Name"] = name;
        Breach breach;
        try
        {
            breach = json.Deserialize<Breach>(jsonOptions.Value.SerializerOptions)!;
        }
        catch (JsonException)
        {
            return ProblemTypes.Result(ProblemTypes.BreachNameInvalid, "The body must be a breach object with at least Title and BreachDate (yyyy-MM-dd).");
        }

        if (BreachMetadataFile.Problem(breach) is { } invalid)
        {
            return ProblemTypes.Result(ProblemTypes.BreachNameInvalid, invalid);
        }

        var added = await store.Breaches.UpsertAsync(breach with { ModifiedDate = default }, cancellationToken);
        var saved = (await store.Breaches.GetAsync(name, cancellationToken))!;
        return added ? TypedResults.Created($"/api/v1/breaches/{name}", saved) : TypedResults.Ok(saved);
    }

    internal static async Task<Results<Ok<UploadResult>, ProblemHttpResult>> UploadHashes(
        string name, HttpContext context, ExposureStore store, IOptions<AdminOptions> options, CancellationToken cancellationToken)
    {
        if (await store.Breaches.GetAsync(name, cancellationToken) is null)
        {
            return ProblemTypes.Result(ProblemTypes.BreachNotFound);
        }

        // A hash file can be gigabytes: no body size limit here, and the loader reads the stream as it arrives.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null;
        }

        if (context.Features.Get<IHttpBodyControlFeature>() is { } control)
        {
            control.AllowSynchronousIO = true; // the hash file reader is synchronous; it runs on a pool thread below
        }

        try
        {
            var source = new HashFileSource("upload", () => context.Request.Body);
            var loader = new BreachLoader(store) { MaxFileBytes = options.Value.MaxUploadBytes, TempFolder = options.Value.TempFolder };
            var result = await Task.Run(() => loader.LoadAsync(name, [source], progress: null, cancellationToken), cancellationToken);
            return TypedResults.Ok(new UploadResult(result.Breach, result.RowsRead, result.NewRows, result.Duplicates, result.Files[0].Sha256, result.Elapsed.TotalSeconds));
        }
        catch (SchemeMismatchException e)
        {
            return ProblemTypes.Result(ProblemTypes.SchemeMismatch, e.Message);
        }
        catch (HashFileFormatException e)
        {
            return ProblemTypes.Result(ProblemTypes.HashFileInvalid, e.Message);
        }
        catch (InputTooLargeException e)
        {
            return ProblemTypes.Result(ProblemTypes.BodyTooLarge, string.Create(
                CultureInfo.InvariantCulture,
                $"upload: the hash file is larger than {e.MaxBytes} bytes once decompressed (Exposure:Admin:MaxUploadBytes); nothing was loaded. Split it, or load it with 'exposure load'."));
        }
        catch (System.IO.InvalidDataException)
        {
            return ProblemTypes.Result(ProblemTypes.HashFileInvalid, "upload: the body is not valid gzip.");
        }
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> Retire(string name, ExposureStore store, CancellationToken cancellationToken) =>
        await store.Breaches.RetireAsync(name, cancellationToken) ? TypedResults.NoContent() : ProblemTypes.Result(ProblemTypes.BreachNotFound);

    internal static async Task<Ok<StoreStats>> Stats(ExposureStore store, CancellationToken cancellationToken)
    {
        var counts = await store.Exposures.CountByBreachAsync(cancellationToken);
        return TypedResults.Ok(new StoreStats(counts.Values.Sum(), store.Maintenance.SizeOnDisk(), counts.Select(c => new BreachHashCount(c.Key, c.Value)).ToArray()));
    }

    internal static async Task<Ok<IReadOnlyList<LoadRecord>>> Loads(ExposureStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.Loads.RecentAsync(50, cancellationToken));
}

/// <summary>The <c>Exposure:Admin</c> settings: the bounds on a hash upload.</summary>
public sealed class AdminOptions
{
    public const string Section = "Exposure:Admin";

    /// <summary>
    /// The most a hash upload may hold once decompressed: 4 GiB, about 66 million hashes. A gzip bomb is cut off there
    /// with 413, nothing loaded. Larger loads belong to <c>exposure load</c> on the store's machine.
    /// </summary>
    public long MaxUploadBytes { get; set; } = 4L << 30;

    /// <summary>
    /// Where an upload's sorted runs are spilled while it is read (about half of <see cref="MaxUploadBytes"/> at most,
    /// removed afterwards); default the system's temporary folder. Put it on a volume with that much room.
    /// </summary>
    public string? TempFolder { get; set; }
}

public sealed record UploadResult(string Breach, long RowsRead, long NewRows, long Duplicates, string Sha256, double ElapsedSeconds);

public sealed record StoreStats(long TotalHashes, long StoreBytes, IReadOnlyList<BreachHashCount> Breaches);

public sealed record BreachHashCount(string Name, long Hashes);
