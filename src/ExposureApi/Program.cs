using ExposureApi.Breaches;
using ExposureApi.Checks;
using ExposureApi.Configuration;
using ExposureApi.OpenApi;
using ExposureApi.Problems;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddExposureCore();
builder.Services.AddSingleton<JsonRequestBody>();
builder.Services.AddExposureProblemDetails();
builder.Services.AddExposureOpenApi();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseExposureOpenApi();

app.MapCheckEndpoints();
app.MapBreachEndpoints();
app.MapProblemTypes();

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
