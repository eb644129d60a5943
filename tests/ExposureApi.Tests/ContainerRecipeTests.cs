using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ExposureApi.Tests;

/// <summary>
/// No Docker engine runs here, so the image is proven as far as it can be: the Dockerfile's own publish command is
/// run, and the published app is started the way the image starts it (environment, user-writable data folder,
/// pepper from a secret file), then checked through health, a check and the HEALTHCHECK's probe command.
/// </summary>
public sealed partial class ContainerRecipeTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly string _dockerfile = File.ReadAllText(Path.Combine(RepositoryRoot(), "Dockerfile"));


    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _folder.Dispose();
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ExposureApi.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("ExposureApi.sln not found above the test folder.");
    }

    [Fact]
    public void TheImageRunsAsNonRootWithAVolumeAHealthCheckAndNoPepperBakedIn()
    {
        Assert.Matches(@"(?m)^USER \$APP_UID$", _dockerfile);
        Assert.Matches(@"(?m)^VOLUME /data$", _dockerfile);
        Assert.Matches(@"(?m)^HEALTHCHECK .*\n.*--probe", _dockerfile);
        Assert.Contains("Exposure__Hashing__PepperFile=/run/secrets/exposure-pepper", _dockerfile, StringComparison.Ordinal);
        Assert.DoesNotContain("000102030405060708090a0b0c0d0e0f", _dockerfile, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"Exposure__Hashing__Pepper=", _dockerfile);
        Assert.Matches(@"(?m)^FROM mcr\.microsoft\.com/dotnet/aspnet:10\.0", _dockerfile);
    }

    [Fact]
    public async Task ThePublishedAppStartsAsTheImageStartsItAndServes()
    {
        // The Dockerfile's exact publish command, with its output folder moved here.
        var publish = PublishCommand().Match(_dockerfile);
        Assert.True(publish.Success, "the Dockerfile has no RUN dotnet publish line for the web host");
        var appDirectory = _folder.File("app");
        var arguments = publish.Groups[1].Value.Replace("-o /app", $"-o {appDirectory}", StringComparison.Ordinal);
        var (exit, output) = await ChildProcess.RunAsync("dotnet", RepositoryRoot(), arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries), Ct);
        Assert.True(exit == 0, output);
        // The runtime settings the README's figures were measured with travel with the published app.
        var runtime = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(appDirectory, "ExposureApi.runtimeconfig.json"), Ct))
            .RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");
        Assert.False(runtime.GetProperty("System.GC.Server").GetBoolean());
        Assert.Equal(7, runtime.GetProperty("System.GC.ConserveMemory").GetInt32());
        Assert.True(runtime.GetProperty("System.GC.RetainVM").GetBoolean());
        Assert.False(runtime.GetProperty("System.Runtime.TieredPGO").GetBoolean());

        // The image's environment, with its paths and port moved to places this user can write and bind.
        var pepper = _folder.File("secrets", "exposure-pepper");
        Directory.CreateDirectory(Path.GetDirectoryName(pepper)!);
        await File.WriteAllTextAsync(pepper, Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) + "\n", Ct);
        // Outside Development the service never creates its store: the operator makes it first, with the image's CLI.
        await StoreSeeding.CreateServedStoreAsync(_folder.File("data", "exposure.db"), new Core.Hashing.HashScheme(Core.Hashing.Pepper.FromFile(pepper), "container-test-salt-v1"), Ct);
        var port = AppProcess.FreePort();
        var environment = ImageEnvironment();
        environment["ASPNETCORE_HTTP_PORTS"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["Exposure__Store__Path"] = _folder.File("data", "exposure.db");
        environment["Exposure__Hashing__PepperFile"] = pepper;
        environment["Exposure__Hashing__Salt"] = "container-test-salt-v1";
        environment["ASPNETCORE_URLS"] = null;
        Assert.Equal("Production", environment["ASPNETCORE_ENVIRONMENT"]);

        await using var app = AppProcess.Start(environment, appDirectory, appDirectory);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await WaitForAsync(client);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready", Ct)).StatusCode);
        var check = await client.PostAsync("/api/v1/check", new StringContent("""{"phoneNumber":"+44 7700 900000"}""", Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.OK, check.StatusCode);
        Assert.Contains("\"exposed\":false", await check.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.True(File.Exists(_folder.File("data", "exposure.db")));

        var healthy = await ChildProcess.RunAsync("dotnet", appDirectory, [Path.Combine(appDirectory, "ExposureApi.dll"), "--probe", $"http://127.0.0.1:{port}/health/ready"], Ct);
        Assert.True(healthy.ExitCode == 0, healthy.Output);
        var down = await ChildProcess.RunAsync("dotnet", appDirectory, [Path.Combine(appDirectory, "ExposureApi.dll"), "--probe", $"http://127.0.0.1:{AppProcess.FreePort()}/health/ready"], Ct);
        Assert.Equal(1, down.ExitCode);
    }

    private Dictionary<string, string?> ImageEnvironment()
    {
        var block = EnvBlock().Match(_dockerfile);
        Assert.True(block.Success, "the Dockerfile sets no ENV");
        return block.Groups[1].Value.Split(['\\', '\n', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => (string?)pair[1]);
    }

    private static async Task WaitForAsync(HttpClient client)
    {
        for (var attempt = 0; attempt < 120; attempt++)
        {
            try
            {
                if ((await client.GetAsync("/health/live", Ct)).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(250, Ct);
        }

        Assert.Fail("the published app did not start");
    }



    [GeneratedRegex(@"(?m)^RUN dotnet (publish src/ExposureApi/ExposureApi\.csproj[^\n]*)$")]
    private static partial Regex PublishCommand();

    [GeneratedRegex(@"(?ms)^ENV (.*?)\n(?=[A-Z]+ )")]
    private static partial Regex EnvBlock();
}
