using System.Text.Json;
using ExposureApi.Core.Keys;

namespace ExposureApi.Tests;

/// <summary>
/// A partner's view of the contract: a TypeScript client generated from the served OpenAPI document
/// (openapi-typescript + openapi-fetch, pinned in GeneratedClient/), compiled with <c>tsc --strict</c> against the
/// generated types, then run against the real host: check, batch, breaches and the HIBP account lookup.
/// </summary>
public sealed class GeneratedClientTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task AClientGeneratedFromTheDocumentCompilesStrictlyAndWorks()
    {
        var node = ExternalTool.Require("/usr/bin/node", "nodejs");
        var npm = ExternalTool.Require("/usr/bin/npm", "npm");
        var store = await StoreSeeding.CreateServedStoreAsync(_folder.File("store.db"), ExposureApiFactory.TestScheme(), Ct, "+447700900123");
        var (_, key) = await new ApiKeyStore(store).IssueAsync("generated", [ApiScopes.Check], 1000, Ct);
        await using var app = AppProcess.Start(AppProcess.TestSettings(store.Path), _folder.Path);
        var server = await app.WaitUntilListeningAsync(TimeSpan.FromSeconds(60));
        using var http = new HttpClient();

        // The generator works on a copy, so tests running beside this one never see a half-written schema.
        var client = _folder.File("client");
        Directory.CreateDirectory(client);
        foreach (var file in new[] { "package.json", "package-lock.json", "tsconfig.json", "client.ts" })
        {
            File.Copy(Path.Combine(AppContext.BaseDirectory, "GeneratedClient", file), Path.Combine(client, file));
        }

        await File.WriteAllTextAsync(Path.Combine(client, "openapi.json"), await http.GetStringAsync(new Uri(server, "/swagger/v1/swagger.json"), Ct), Ct);
        await Run(npm, client, "ci", "--ignore-scripts", "--no-audit", "--no-fund");
        await Run(node, client, Path.Combine("node_modules", "openapi-typescript", "bin", "cli.js"), "openapi.json", "-o", "schema.d.ts");
        await Run(node, client, Path.Combine("node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json");
        var output = await Run(node, client, Path.Combine("out", "client.js"), server.ToString().TrimEnd('/'), key);

        var results = JsonDocument.Parse(output).RootElement;
        Assert.Equal([200, 200, 200, 200], results.GetProperty("statuses").EnumerateArray().Select(s => s.GetInt32()));
        Assert.True(results.GetProperty("exposed").GetBoolean());
        Assert.Equal("Seed", results.GetProperty("firstBreach").GetString());
        Assert.Equal("[true,false,null]", results.GetProperty("batchExposed").GetRawText());
        Assert.Equal("/problems/phone-number-not-a-number", results.GetProperty("batchErrors")[2].GetString());
        Assert.Equal(["Seed"], results.GetProperty("names").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal(["Seed"], results.GetProperty("hibpNames").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal(JsonValueKind.Number, results.GetProperty("hibpPwnCount").ValueKind);
    }

    private static async Task<string> Run(string program, string directory, params string[] args)
    {
        var (exit, output) = await ChildProcess.RunAsync(program, directory, args, Ct);
        Assert.True(exit == 0, $"{Path.GetFileName(program)} {string.Join(' ', args)}:\n{output}");
        return output;
    }
}
