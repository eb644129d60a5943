using System.Text.Json.Nodes;
using ExposureApi.Checks;
using ExposureApi.Core.Storage;
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
            options.OperationFilter<ApiKeyOperationFilter>();
            options.AddSecurityDefinition(XApiKey, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = Auth.ApiKeyDefaults.Header,
                Description = "A partner API key (exposure keys add NAME --scopes ...).",
            });
            options.AddSecurityDefinition(HibpApiKey, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = Auth.ApiKeyDefaults.HibpHeader,
                Description = "The same key, in the header HIBP clients send.",
            });
            var xml = Path.Combine(AppContext.BaseDirectory, "ExposureApi.xml");
            if (File.Exists(xml))
            {
                options.IncludeXmlComments(xml);
            }
        });
        return services;
    }

    private const string XApiKey = "X-Api-Key";
    private const string HibpApiKey = "hibp-api-key";

    /// <summary>Marks the operations that need (or accept) a key, so Swagger UI's "Authorize" sends it.</summary>
    private sealed class ApiKeyOperationFilter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            var policies = context.ApiDescription.ActionDescriptor.EndpointMetadata
                .OfType<Microsoft.AspNetCore.Authorization.IAuthorizeData>().Select(a => a.Policy).ToList();
            if (policies.Count == 0)
            {
                return;
            }

            operation.Security ??= [];
            foreach (var scheme in new[] { XApiKey, HibpApiKey })
            {
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, context.Document)] = [] });
            }

            var needs = policies.Contains(Auth.ApiKeyDefaults.AdminPolicy) ? "a key with scope admin"
                : policies.Contains(Auth.ApiKeyDefaults.CheckPolicy) ? "a key with scope check"
                : "no key; a key, if sent, must be valid";
            operation.Description = $"{operation.Description} Authorization: {needs}.".Trim();
        }
    }

    public static WebApplication UseExposureOpenApi(this WebApplication app)
    {
        app.UseSwagger();
        app.UseSwaggerUI(options =>
        {
            options.SwaggerEndpoint("/swagger/v1/swagger.json", "ExposureApi v1");
            options.DocumentTitle = "ExposureApi";
            // The validator badge would make every visitor's browser call an outside host with the document's URL.
            options.EnableValidator(null);
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
            [typeof(Breach)] = () => new JsonObject
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
