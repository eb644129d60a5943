using System.Net;
using System.Text.Json;

namespace ExposureApi.Tests;

public sealed class OpenApiTests : IAsyncLifetime
{
    private readonly ExposureApiFactory _factory = new();
    private HttpClient _client = null!;
    private JsonElement _document;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _client = _factory.CreateClient();
        _document = JsonDocument.Parse(await _client.GetStringAsync("/swagger/v1/swagger.json", Ct)).RootElement;
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    private JsonElement Operation(string path, string method) => _document.GetProperty("paths").GetProperty(path).GetProperty(method);

    // A real linter, not our reading of the spec: Redocly's recommended rules, pinned. Any error fails (and so CI).
    [Fact]
    public async Task TheDocumentPassesARealOpenApiLinter()
    {
        var npm = ExternalTool.Require("/usr/bin/npm", "npm");
        var node = ExternalTool.Require("/usr/bin/node", "nodejs");
        var lint = Path.Combine(AppContext.BaseDirectory, "OpenApiLint");
        using var folder = new TempFolder();
        var document = folder.File("openapi.json");
        await File.WriteAllTextAsync(document, await _client.GetStringAsync("/swagger/v1/swagger.json", Ct), Ct);

        var (installed, installLog) = await ChildProcess.RunAsync(npm, lint, ["ci", "--ignore-scripts", "--no-audit", "--no-fund"], Ct);
        Assert.True(installed == 0, installLog);
        var (exit, output) = await ChildProcess.RunAsync(
            node, lint, [Path.Combine("node_modules", "@redocly", "cli", "bin", "cli.js"), "lint", document, "--config", "redocly.lint.yaml", "--format", "stylish"], Ct);

        Assert.True(exit == 0, output);
        TestContext.Current.SendDiagnosticMessage(output);
    }

    [Theory]
    [InlineData("/api/v1/check", "post", "CheckPhoneNumber")]
    [InlineData("/api/v1/breaches", "get", "ListBreaches")]
    [InlineData("/api/v1/breaches/{name}", "get", "GetBreach")]
    [InlineData("/api/v1/dataclasses", "get", "ListDataClasses")]
    public void EveryEndpointHasAStableOperationIdAndASummary(string path, string method, string operationId)
    {
        var operation = Operation(path, method);

        Assert.Equal(operationId, operation.GetProperty("operationId").GetString());
        Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()));
    }

    [Fact]
    public void TheCheckDocumentsItsBodyWithAnExampleAndEveryProblemResponse()
    {
        var check = Operation("/api/v1/check", "post");

        Assert.True(check.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        var responses = check.GetProperty("responses");
        foreach (var status in new[] { "200", "400", "413", "415" })
        {
            Assert.True(responses.TryGetProperty(status, out _), $"response {status} is not documented");
        }

        Assert.True(responses.GetProperty("400").GetProperty("content").TryGetProperty("application/problem+json", out _));
        var schemas = _document.GetProperty("components").GetProperty("schemas");
        Assert.Equal("+44 7700 900000", schemas.GetProperty("CheckRequest").GetProperty("example").GetProperty("phoneNumber").GetString());
        Assert.True(schemas.GetProperty("CheckResponse").GetProperty("example").GetProperty("exposed").GetBoolean());
    }

    [Theory]
    [InlineData("/api/v1/check/batch", "post", "CheckPhoneNumbersBatch")]
    [InlineData("/api/v1/admin/breaches/{name}", "put", "PutBreach")]
    [InlineData("/api/v1/admin/breaches/{name}/hashes", "post", "UploadHashes")]
    [InlineData("/api/v1/admin/breaches/{name}/retire", "post", "RetireBreach")]
    [InlineData("/api/v1/admin/stats", "get", "AdminStats")]
    [InlineData("/api/v1/admin/loads", "get", "AdminLoads")]
    [InlineData("/api/v3/breachedaccount/{account}", "get", "HibpBreachedAccount")]
    [InlineData("/api/v3/breaches", "get", "HibpBreaches")]
    [InlineData("/api/v3/breach/{name}", "get", "HibpBreach")]
    [InlineData("/api/v3/dataclasses", "get", "HibpDataClasses")]
    [InlineData("/api/v3/latestbreach", "get", "HibpLatestBreach")]
    public void ThePartnerAndHibpEndpointsAreDocumented(string path, string method, string operationId)
    {
        EveryEndpointHasAStableOperationIdAndASummary(path, method, operationId);
    }

    [Fact]
    public void BothKeyHeadersAreSecuritySchemesAndKeyedOperationsRequireThem()
    {
        var schemes = _document.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("X-Api-Key", schemes.GetProperty("X-Api-Key").GetProperty("name").GetString());
        Assert.Equal("hibp-api-key", schemes.GetProperty("hibp-api-key").GetProperty("name").GetString());
        Assert.Equal("header", schemes.GetProperty("X-Api-Key").GetProperty("in").GetString());

        var batchSecurity = Operation("/api/v1/check/batch", "post").GetProperty("security");
        Assert.Equal(2, batchSecurity.GetArrayLength());
        Assert.True(Operation("/api/v1/admin/stats", "get").TryGetProperty("security", out _));
        // Public: one empty requirement. Optional key (a check): the empty one first, then either header.
        var publicSecurity = Operation("/api/v1/breaches", "get").GetProperty("security");
        Assert.Equal(1, publicSecurity.GetArrayLength());
        Assert.Empty(publicSecurity[0].EnumerateObject());
        var checkSecurity = Operation("/api/v1/check", "post").GetProperty("security");
        Assert.Equal(3, checkSecurity.GetArrayLength());
        Assert.Empty(checkSecurity[0].EnumerateObject());
        Assert.Equal("Whole seconds to wait before asking again.",
            Operation("/api/v1/check", "post").GetProperty("responses").GetProperty("503").GetProperty("headers").GetProperty("Retry-After").GetProperty("description").GetString());
        foreach (var status in new[] { "401", "403", "429" })
        {
            Assert.True(Operation("/api/v1/check/batch", "post").GetProperty("responses").TryGetProperty(status, out _), status);
        }
    }

    [Fact]
    public void TheUnknownBreachResponseIsDocumented()
    {
        Assert.True(Operation("/api/v1/breaches/{name}", "get").GetProperty("responses").TryGetProperty("404", out _));
    }

    [Fact]
    public async Task SwaggerUiIsServed()
    {
        var response = await _client.GetAsync("/swagger/index.html", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("swagger-ui", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }
}
