using ExposureApi.Admin;
using ExposureApi.Auth;
using ExposureApi.Breaches;
using ExposureApi.Checks;
using ExposureApi.Configuration;
using ExposureApi.Diagnostics;
using ExposureApi.Hibp;
using ExposureApi.OpenApi;
using ExposureApi.Problems;
using ExposureApi.RateLimiting;
using ExposureApi.WebPage;

// `ExposureApi --probe URL`: the container's HEALTHCHECK (its runtime image has no curl). Exits 0 when URL answers 2xx.
if (args is ["--probe", var probeUrl])
{
    return await Probe.RunAsync(probeUrl);
}

ILogger? logger = null;
try
{
    var builder = WebApplication.CreateBuilder(args);

    // The page's files as a published server sends them, also from the run command's build: precompressed,
    // fingerprinted and cacheable. (A build's manifest otherwise switches on the static-assets reloader, which answers
    // every file uncompressed with no-cache and adds a catch-all route for files added since.)
    builder.Configuration["ReloadStaticAssetsAtRuntime"] ??= "false";

    // The host's own request lines and the logging scope it opens carry the raw URL path, where the HIBP API puts
    // the phone number. They are off for good; RequestLogging writes a redacted line per request instead.
    builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
    // A start-up failure is reported once, by StartupFailure below, not again with a stack trace by the host.
    builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
    // And whatever else logs a request target (routing, static files, Kestrel's bad-request lines, at any level) writes
    // it with every run of digits long enough to be a phone number replaced.
    builder.Logging.AddNumberRedaction();
    if (!builder.Environment.IsDevelopment())
    {
        // Structured logs for collectors: one JSON object per line, with the request id from RequestLogging's scope.
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(options =>
        {
            options.IncludeScopes = true;
            options.UseUtcTimestamp = true;
            options.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
        });
    }

    builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureExposureLimits());
    builder.ListenOnManagementPort();
    builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(15));

    builder.Services.AddExposureCore();
    builder.Services.AddBreachJson();
    builder.Services.AddSingleton<JsonRequestBody>();
    builder.Services.AddExposureProblemDetails();
    builder.Services.AddAdminOptions();
    builder.Services.AddApiKeyAuthentication();
    builder.Services.AddCheckRateLimiting();
    builder.Services.AddExposureOpenApi();
    builder.Services.AddExposureHealthChecks();
    builder.Services.AddExposureMetrics();
    builder.Services.AddCitizenPage();

    var app = builder.Build();

    // First, before anything can log the path: take the HIBP account out of it.
    app.UseAccountRedaction();
    app.UseRequestLogging();
    app.UseManagementPort();
    app.UseSecurityHeaders();
    app.UseForwardedHeaders();
    app.UseExceptionHandler();
    app.UseStatusCodePages();
    app.UseHibpStatusCodes();
    app.UseHibpUserAgentRule();
    app.UseExposureOpenApi();
    app.UseRouting();
    // A crowd is turned away here, before authentication and rate limiting, at the least cost per request.
    app.UseHashCapacityShortcut();
    app.UseAuthentication();
    app.UseAuthorization();
    app.UseRateLimiter();

    app.MapCheckEndpoints();
    app.MapBreachEndpoints();
    app.MapAdminEndpoints();
    app.MapHibpEndpoints();
    app.MapProblemTypes();
    app.MapRegions();
    app.MapCitizenPage();
    // wwwroot, precompressed (gzip and Brotli) at build and publish, with ETags and fingerprinted, immutable copies.
    StaticAssetPaths.MapFor(app);
    app.MapExposureHealthChecks();
    app.MapExposureMetrics();

    logger = app.Logger;
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (StartupFailure.IsConfigurationError(e))
{
    // A misconfiguration is the operator's to fix: say what is wrong, once, without a stack trace, and exit 1 so that a
    // restart policy sees a configuration error rather than a crash.
    StartupFailure.Report(logger, e);
    return 1;
}
catch (Exception e) when (e is not HostAbortedException) // the test host stops the entry point with that one on purpose
{
    // Anything else is a bug: the whole exception for whoever fixes it, but still exit 1, never an abort.
    StartupFailure.ReportUnexpected(logger, e);
    return 1;
}

/// <summary>The web host's entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
