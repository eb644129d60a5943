using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ExposureApi.Tests;

/// <summary>
/// What the service answers is what its OpenAPI document says. Every endpoint of the running app (from its
/// <see cref="EndpointDataSource"/>, not a list kept by hand) must be documented and have requests here; every status
/// those requests provoke must be documented for the operation, with its content type, its <c>Retry-After</c> where
/// documented, and a body that validates against the documented schema (JsonSchema.Net, not by eye).
/// </summary>
public sealed partial class ContractTests : IAsyncLifetime
{
    private const string Number = "+447700900123";

    // Endpoints that are not part of the API the document describes, and why.
    private static readonly Dictionary<string, string> NotDocumented = new(StringComparer.Ordinal)
    {
        ["/health/live"] = "an orchestrator's probe, plain text",
        ["/health/ready"] = "an orchestrator's probe (docs/operations.md)",
        ["/metrics"] = "Prometheus' text format, for the scraper",
        ["/problems/{slug}"] = "the problem types' explanations, excluded from the document on purpose",
        ["/"] = "the citizens' page and its form (HTML for people, docs/web-page.md), not an API; CitizenPageTests and WebPageTests cover it",
    };

    private readonly ExposureApiFactory _factory = new();
    private JsonElement _document;
    private HttpClient _anonymous = null!;
    private HttpClient _checker = null!;
    private HttpClient _admin = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _anonymous = _factory.CreateClient();
        _document = JsonDocument.Parse(await _anonymous.GetStringAsync("/swagger/v1/swagger.json", Ct)).RootElement;
        _checker = _factory.ClientWithKey(await _factory.IssueKeyAsync("contract-check", "check", ratePerMinute: 5), "hibp-api-key");
        _admin = _factory.ClientWithKey(await _factory.IssueKeyAsync("contract-admin", "admin"));
        await _factory.AddAsync(TestData.Breach("CoWIN2023", new DateOnly(2023, 6, 12)), Number);
    }

    public async ValueTask DisposeAsync()
    {
        _anonymous.Dispose();
        _checker.Dispose();
        _admin.Dispose();
        await _factory.DisposeAsync();
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>The requests each operation gets, chosen to provoke each answer it can give.</summary>
    private Dictionary<string, Func<Task<HttpResponseMessage>>[]> Requests() => new(StringComparer.Ordinal)
    {
        ["CheckPhoneNumber"] =
        [
            () => _anonymous.PostAsync("/api/v1/check", Json($$"""{"phoneNumber":"{{Number}}"}"""), Ct),
            () => _anonymous.PostAsync("/api/v1/check", Json("""{"phoneNumber":"98123"}"""), Ct),
            () => _anonymous.PostAsync("/api/v1/check", Json("""{"phoneNumber":"""), Ct),
            () => _anonymous.PostAsync("/api/v1/check", new StringContent(Number, Encoding.UTF8, "text/plain"), Ct),
            () => _anonymous.PostAsync("/api/v1/check", Json($$"""{"phoneNumber":"{{new string('1', 5000)}}"}"""), Ct),
            () => _factory.ClientWithKey("exk_wrong").PostAsync("/api/v1/check", Json($$"""{"phoneNumber":"{{Number}}"}"""), Ct),
        ],
        ["CheckPhoneNumbersBatch"] =
        [
            () => _checker.PostAsync("/api/v1/check/batch", Json($$"""{"phoneNumbers":["{{Number}}","98123"]}"""), Ct),
            () => _checker.PostAsync("/api/v1/check/batch", Json("""{"phoneNumbers":[]}"""), Ct),
            () => _checker.PostAsync("/api/v1/check/batch", Json($$"""{"phoneNumbers":[{{string.Join(",", Enumerable.Repeat($"\"{Number}\"", 6))}}]}"""), Ct),
            () => _checker.PostAsync("/api/v1/check/batch", Json($$"""{"phoneNumbers":["{{Number}}","{{Number}}","{{Number}}","{{Number}}"]}"""), Ct), // more than the 3 tokens left: 429
            () => _anonymous.PostAsync("/api/v1/check/batch", Json($$"""{"phoneNumbers":["{{Number}}"]}"""), Ct),
            () => _admin.PostAsync("/api/v1/check/batch", Json($$"""{"phoneNumbers":["{{Number}}"]}"""), Ct),
        ],
        ["ListBreaches"] = [() => _anonymous.GetAsync("/api/v1/breaches", Ct)],
        ["GetBreach"] = [() => _anonymous.GetAsync("/api/v1/breaches/CoWIN2023", Ct), () => _anonymous.GetAsync("/api/v1/breaches/Nope", Ct)],
        ["ListDataClasses"] = [() => _anonymous.GetAsync("/api/v1/dataclasses", Ct)],
        ["ListRegions"] = [() => _anonymous.GetAsync("/api/v1/regions", Ct)],
        ["PutBreach"] =
        [
            () => _admin.PutAsync("/api/v1/admin/breaches/Contract", Json("""{"Title":"Contract","BreachDate":"2024-01-01"}"""), Ct),
            () => _admin.PutAsync("/api/v1/admin/breaches/Contract", Json("""{"Title":"Contract","BreachDate":"2024-01-02"}"""), Ct),
            () => _admin.PutAsync("/api/v1/admin/breaches/Contract", Json("""{"Title":"Contract"}"""), Ct),
            () => _anonymous.PutAsync("/api/v1/admin/breaches/Contract", Json("{}"), Ct),
            () => _checker.PutAsync("/api/v1/admin/breaches/Contract", Json("{}"), Ct),
        ],
        ["UploadHashes"] =
        [
            () => _admin.PostAsync("/api/v1/admin/breaches/CoWIN2023/hashes", new StringContent("not a hash file\n", Encoding.UTF8, "text/plain"), Ct),
            () => _admin.PostAsync("/api/v1/admin/breaches/Nope/hashes", new StringContent("", Encoding.UTF8, "text/plain"), Ct),
        ],
        ["RetireBreach"] = [() => _admin.PostAsync("/api/v1/admin/breaches/Contract/retire", null, Ct), () => _admin.PostAsync("/api/v1/admin/breaches/Nope/retire", null, Ct)],
        ["AdminStats"] = [() => _admin.GetAsync("/api/v1/admin/stats", Ct)],
        ["AdminLoads"] = [() => _admin.GetAsync("/api/v1/admin/loads", Ct)],
        ["HibpBreachedAccount"] =
        [
            () => _factory.ClientWithKey(_checkerKeyForHibp!, "hibp-api-key").GetAsync("/api/v3/breachedaccount/%2B447700900123?truncateResponse=false", Ct),
            () => _factory.ClientWithKey(_checkerKeyForHibp!, "hibp-api-key").GetAsync("/api/v3/breachedaccount/%2B447700900999", Ct),
            () => _factory.ClientWithKey(_checkerKeyForHibp!, "hibp-api-key").GetAsync("/api/v3/breachedaccount/123", Ct),
            () => _anonymous.GetAsync("/api/v3/breachedaccount/%2B447700900123", Ct),
            () => _admin.GetAsync("/api/v3/breachedaccount/%2B447700900123", Ct),
        ],
        ["HibpBreaches"] = [() => _anonymous.GetAsync("/api/v3/breaches", Ct), () => _anonymous.GetAsync("/api/v3/breaches?isSpamList=maybe", Ct)],
        ["HibpBreach"] = [() => _anonymous.GetAsync("/api/v3/breach/CoWIN2023", Ct), () => _anonymous.GetAsync("/api/v3/breach/Nope", Ct)],
        ["HibpDataClasses"] = [() => _anonymous.GetAsync("/api/v3/dataclasses", Ct)],
        ["HibpLatestBreach"] = [() => _anonymous.GetAsync("/api/v3/latestbreach", Ct)],
    };

    private string? _checkerKeyForHibp;

    [Fact]
    public async Task EveryEndpointIsDocumentedAndAnswersAsTheDocumentSays()
    {
        _checkerKeyForHibp = await _factory.IssueKeyAsync("contract-hibp", "check");
        var requests = Requests();
        foreach (var (pattern, _) in Hibp.HibpEndpoints.NotImplemented)
        {
            var path = "/api/v3" + PathParameter().Replace(pattern, "x");
            requests[$"Hibp{Hibp.HibpEndpoints.NotImplemented.First(n => n.Pattern == pattern).Name}"] = [() => _anonymous.GetAsync(path, Ct)];
        }

        var failures = new List<string>();
        var endpoints = _factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        Assert.NotEmpty(endpoints);
        foreach (var endpoint in endpoints)
        {
            var path = "/" + Constraint().Replace(endpoint.RoutePattern.RawText!.TrimStart('/'), "{$1}");
            if (NotDocumented.ContainsKey(path) || endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.StaticAssets.StaticAssetDescriptor>() is not null)
            {
                continue; // the page's files (wwwroot, MapStaticAssets) are files, not API
            }

            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["(any)"])
            {
                if (!_document.GetProperty("paths").TryGetProperty(path, out var item) || !item.TryGetProperty(method.ToLowerInvariant(), out var operation))
                {
                    failures.Add($"{method} {path} is not in the document");
                    continue;
                }

                var operationId = operation.GetProperty("operationId").GetString()!;
                if (!requests.TryGetValue(operationId, out var sends))
                {
                    failures.Add($"{operationId} has no requests in this test");
                    continue;
                }

                foreach (var send in sends)
                {
                    using var response = await send();
                    failures.AddRange(Check(operationId, operation, response, await response.Content.ReadAsStringAsync(Ct)));
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private IEnumerable<string> Check(string operationId, JsonElement operation, HttpResponseMessage response, string body)
    {
        var status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var where = $"{operationId} {status}";
        if (!operation.GetProperty("responses").TryGetProperty(status, out var documented))
        {
            yield return $"{where}: status not documented";
            yield break;
        }

        if (documented.TryGetProperty("headers", out var headers) && headers.TryGetProperty("Retry-After", out _) && !response.Headers.Contains("Retry-After"))
        {
            yield return $"{where}: Retry-After documented but not sent";
        }

        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (!documented.TryGetProperty("content", out var content) || !content.EnumerateObject().Any())
        {
            if (body.Length > 0)
            {
                yield return $"{where}: a body of {mediaType} where the document has none";
            }

            yield break;
        }

        if (mediaType is null || !content.TryGetProperty(mediaType, out var media))
        {
            yield return $"{where}: content type {mediaType ?? "(none)"} not documented (documented: {string.Join(", ", content.EnumerateObject().Select(p => p.Name))})";
            yield break;
        }

        if (!media.TryGetProperty("schema", out var schema))
        {
            yield break;
        }

        var results = Compile(schema).Evaluate(JsonDocument.Parse(body).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (!results.IsValid)
        {
            var errors = (results.Details ?? []).Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")).Take(5);
            yield return $"{where}: body does not match the schema: {string.Join("; ", errors)}\n    {body[..Math.Min(body.Length, 300)]}";
        }
    }

    // OpenAPI 3.0 schemas as JSON Schema 2020-12: the components become $defs, `nullable` becomes a "null" type.
    private JsonSchema Compile(JsonElement schema)
    {
        var root = Convert(JsonNode.Parse(schema.GetRawText())!)!.AsObject();
        root["$schema"] = "https://json-schema.org/draft/2020-12/schema";
        root["$defs"] = Convert(JsonNode.Parse(_document.GetProperty("components").GetProperty("schemas").GetRawText()));
        return JsonSchema.FromText(root.ToJsonString(), new BuildOptions { SchemaRegistry = new SchemaRegistry() }, new Uri($"https://contract.test/{Guid.NewGuid():N}"));
    }

    private static JsonNode? Convert(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    obj[key] = Convert(value?.DeepClone());
                }

                if (obj["$ref"] is JsonValue reference && reference.GetValue<string>() is var target && target.StartsWith("#/components/schemas/", StringComparison.Ordinal))
                {
                    obj["$ref"] = "#/$defs/" + target["#/components/schemas/".Length..];
                }

                if (obj["nullable"] is JsonValue nullable && nullable.GetValue<bool>() && obj["type"] is JsonValue type)
                {
                    obj["type"] = new JsonArray(type.GetValue<string>(), "null");
                }

                obj.Remove("nullable");
                obj.Remove("example");
                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    array[i] = Convert(array[i]?.DeepClone());
                }

                return array;
            default:
                return node;
        }
    }

    [GeneratedRegex(@"\{([^}:?=]+)[^}]*\}")]
    private static partial Regex Constraint();

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex PathParameter();
}
