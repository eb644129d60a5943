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

var builder = WebApplication.CreateBuilder(args);

// The host's own request lines and the logging scope it opens carry the raw URL path, where the HIBP API puts
// the phone number. They are off for good; RequestLogging writes a redacted line per request instead.
builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
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
builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(15));

builder.Services.AddExposureCore();
builder.Services.AddBreachJson();
builder.Services.AddSingleton<JsonRequestBody>();
builder.Services.AddExposureProblemDetails();
builder.Services.AddApiKeyAuthentication();
builder.Services.AddCheckRateLimiting();
builder.Services.AddExposureOpenApi();
builder.Services.AddExposureHealthChecks();
builder.Services.AddExposureMetrics();

var app = builder.Build();

// First, before anything can log the path: take the HIBP account out of it.
app.UseAccountRedaction();
app.UseRequestLogging();
app.UseSecurityHeaders();
app.UseForwardedHeaders();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseHibpStatusCodes();
app.UseExposureOpenApi();
app.UseDefaultFiles();
app.UseStaticFiles();
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
app.MapExposureHealthChecks();
app.MapPrometheusScrapingEndpoint("/metrics");

try
{
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (StartupFailure.IsConfigurationError(e))
{
    // A misconfiguration is the operator's to fix: say what is wrong, once, without a stack trace.
    StartupFailure.Report(app.Logger, e);
    return 1;
}

/// <summary>The web host's entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
