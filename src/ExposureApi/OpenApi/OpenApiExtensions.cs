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
            // Relative: the document describes whichever host serves it.
            options.AddServer(new OpenApiServer { Url = "/" });
            options.SupportNonNullableReferenceTypes();
            options.SchemaFilter<ExampleSchemaFilter>();
            options.SchemaFilter<HibpCasingSchemaFilter>();
            options.OperationFilter<ApiKeyOperationFilter>();
            options.OperationFilter<PathParameterFilter>();
            options.OperationFilter<RetryAfterHeaderFilter>();
            options.DocumentFilter<TagDescriptionsFilter>();
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
            operation.Security ??= [];
            if (policies.Count == 0 || policies.Contains(Auth.ApiKeyDefaults.KeyIfSentPolicy))
            {
                // Public, or a key is optional: an empty requirement says "no key needed".
                operation.Security.Add(new OpenApiSecurityRequirement());
                if (policies.Count == 0)
                {
                    return;
                }
            }

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

    /// <summary>
    /// Declares every <c>{name}</c> of the route as a path parameter, including those a handler reads itself (the HIBP
    /// account, taken out of the path before routing so no log sees it) or does not read (the 501 routes).
    /// </summary>
    private sealed class PathParameterFilter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            var route = context.ApiDescription.RelativePath ?? "";
            foreach (var name in System.Text.RegularExpressions.Regex.Matches(route, @"\{([^}:?]+)[^}]*\}").Select(m => m.Groups[1].Value))
            {
                operation.Parameters ??= [];
                if (!operation.Parameters.Any(p => p.In == ParameterLocation.Path && string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)))
                {
                    operation.Parameters.Add(new OpenApiParameter
                    {
                        Name = name,
                        In = ParameterLocation.Path,
                        Required = true,
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                    });
                }
            }
        }
    }

    /// <summary>What each group of operations is for (minimal APIs' tags carry only a name).</summary>
    private sealed class TagDescriptionsFilter : IDocumentFilter
    {
        private static readonly Dictionary<string, string> Descriptions = new(StringComparer.Ordinal)
        {
            ["Checks"] = "Is a phone number in a known breach? Anonymous (rate limited per client) or with a key.",
            ["Breaches"] = "The breaches the service knows, and their data classes.",
            ["Admin"] = "Loading and retiring breaches remotely; a key with scope admin.",
            ["HIBP v3"] = "Have I Been Pwned's API v3, with phone numbers as accounts, for existing HIBP clients.",
            ["Health"] = "Liveness and readiness probes.",
            ["Problems"] = "The problem types every error refers to.",
        };

        public void Apply(OpenApiDocument swaggerDoc, DocumentFilterContext context)
        {
            swaggerDoc.Tags ??= new HashSet<OpenApiTag>();
            foreach (var (name, description) in Descriptions)
            {
                if (swaggerDoc.Tags.FirstOrDefault(t => t.Name == name) is { } tag)
                {
                    tag.Description = description;
                }
                else
                {
                    swaggerDoc.Tags.Add(new OpenApiTag { Name = name, Description = description });
                }
            }
        }
    }

    /// <summary>Every 429 and 503 carries <c>Retry-After</c>: the whole seconds to wait.</summary>
    private sealed class RetryAfterHeaderFilter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            foreach (var (status, response) in operation.Responses ?? [])
            {
                if (status is "429" or "503" && response is OpenApiResponse concrete)
                {
                    concrete.Headers ??= new Dictionary<string, IOpenApiHeader>();
                    concrete.Headers["Retry-After"] = new OpenApiHeader
                    {
                        Description = "Whole seconds to wait before asking again.",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.Integer },
                    };
                }
            }
        }
    }

    /// <summary>
    /// HIBP's breach model is PascalCase on the wire (HIBP's contract), and every field is always there; the document
    /// says both, so a generated client reads <c>Name</c> as a string, not as something that may be missing.
    /// </summary>
    private sealed class HibpCasingSchemaFilter : ISchemaFilter
    {
        public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
        {
            if (context.Type != typeof(Hibp.HibpBreach) && context.Type != typeof(Hibp.HibpBreachName) || schema is not OpenApiSchema concrete || concrete.Properties is null)
            {
                return;
            }

            concrete.Properties = concrete.Properties.ToDictionary(p => char.ToUpperInvariant(p.Key[0]) + p.Key[1..], p => p.Value);
            concrete.Required = concrete.Properties.Keys.ToHashSet();
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
