using System.Text.Json.Nodes;
using ExposureApi.Breaches;
using ExposureApi.Checks;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace ExposureApi.OpenApi;

/// <summary>The Swashbuckle document at /swagger/v1/swagger.json and Swagger UI at /swagger.</summary>
internal static class OpenApiExtensions
{
    public static IServiceCollection AddExposureOpenApi(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "ExposureApi",
                Version = "v1",
                Description = "Checks whether a phone number appears in a known data breach, without ever storing or logging the number. "
                    + "Every error is an RFC 9457 problem+json document whose `type` is stable.",
            });
            options.SupportNonNullableReferenceTypes();
            options.SchemaFilter<ExampleSchemaFilter>();
            var xml = Path.Combine(AppContext.BaseDirectory, "ExposureApi.xml");
            if (File.Exists(xml))
            {
                options.IncludeXmlComments(xml);
            }
        });
        return services;
    }

    public static WebApplication UseExposureOpenApi(this WebApplication app)
    {
        app.UseSwagger();
        app.UseSwaggerUI(options =>
        {
            options.SwaggerEndpoint("/swagger/v1/swagger.json", "ExposureApi v1");
            options.DocumentTitle = "ExposureApi";
        });
        return app;
    }

    /// <summary>Request and response examples, using numbers from a range reserved for fiction.</summary>
    private sealed class ExampleSchemaFilter : ISchemaFilter
    {
        private static readonly Dictionary<Type, Func<JsonNode>> Examples = new()
        {
            [typeof(CheckRequest)] = () => new JsonObject { ["phoneNumber"] = "+44 7700 900000", ["region"] = "GB" },
            [typeof(CheckResponse)] = () => new JsonObject
            {
                ["exposed"] = true,
                ["breaches"] = new JsonArray(ExposedBreachExample()),
            },
            [typeof(ExposedBreach)] = ExposedBreachExample,
            [typeof(BreachResponse)] = () => new JsonObject
            {
                ["name"] = "ExampleTelco2024",
                ["title"] = "Example Telco (fictional)",
                ["domain"] = "telco.example",
                ["breachDate"] = "2024-03-04",
                ["addedDate"] = "2026-11-27T00:00:00+00:00",
                ["modifiedDate"] = "2026-11-27T00:00:00+00:00",
                ["pwnCount"] = 994,
                ["description"] = "<p>A fictional mobile operator whose customer database was copied from a misconfigured backup.</p>",
                ["dataClasses"] = new JsonArray("Names", "Phone numbers", "SIM card serial numbers"),
                ["isVerified"] = true,
                ["isFabricated"] = true,
                ["isSensitive"] = false,
                ["isRetired"] = false,
                ["isSpamList"] = false,
                ["isMalware"] = false,
            },
        };

        private static JsonObject ExposedBreachExample() => new()
        {
            ["name"] = "ExampleTelco2024",
            ["title"] = "Example Telco (fictional)",
            ["domain"] = "telco.example",
            ["breachDate"] = "2024-03-04",
            ["dataClasses"] = new JsonArray("Names", "Phone numbers", "SIM card serial numbers"),
            ["description"] = "<p>A fictional mobile operator whose customer database was copied from a misconfigured backup.</p>",
            ["pwnCount"] = 994,
            ["isVerified"] = true,
        };

        public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
        {
            if (schema is OpenApiSchema concrete && Examples.TryGetValue(context.Type, out var example))
            {
                concrete.Examples = [example()];
            }
        }
    }
}
