using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ExposureApi.Tests;

/// <summary>
/// What only the real server shows: Kestrel's own limits and its own log lines. The host runs as a process on Kestrel,
/// logging everything at Trace to its console, and requests are written byte by byte over a socket, as an attacker
/// would write them, request lines a client library would refuse to send included.
/// </summary>
public sealed class KestrelTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly Canary Number = new("+447700900123");
    private readonly TempFolder _folder = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _folder.Dispose();

    private AppProcess Start(Dictionary<string, string?>? extra = null)
    {
        var settings = AppProcess.TestSettings(_folder.File("store.db"), "Development");
        settings["Exposure__Demo__Enabled"] = "false";
        foreach (var category in new[] { "Default", "Microsoft", "Microsoft.AspNetCore", "System" })
        {
            settings[$"Logging__LogLevel__{category}"] = "Trace";
        }

        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        return AppProcess.Start(settings, _folder.Path);
    }

    /// <summary>Writes <paramref name="head"/>, then a chunked body of <paramref name="bodyBytes"/> spaces for as long as the server reads it; returns the status code.</summary>
    private static async Task<int> SendRawAsync(Uri server, string head, long bodyBytes = 0)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server.Host, server.Port, Ct);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync(Encoding.Latin1.GetBytes(head), Ct);
        var response = ReadStatusAsync(stream);
        if (bodyBytes > 0)
        {
            var chunk = Encoding.ASCII.GetBytes($"{64 * 1024:x}\r\n" + new string(' ', 64 * 1024) + "\r\n");
            try
            {
                for (long sent = 0; sent < bodyBytes && !response.IsCompleted; sent += 64 * 1024)
                {
                    await stream.WriteAsync(chunk, Ct);
                }

                if (!response.IsCompleted)
                {
                    await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), Ct);
                }
            }
            catch (IOException)
            {
                // The server answered and closed the connection while the body was still coming: as it may.
            }
        }

        return await response.WaitAsync(Timeout, Ct);
    }

    private static async Task<int> ReadStatusAsync(Stream stream)
    {
        var buffer = new byte[4096];
        var text = new StringBuilder();
        int read;
        while (!text.ToString().Contains("\r\n", StringComparison.Ordinal) && (read = await stream.ReadAsync(buffer, Ct)) > 0)
        {
            text.Append(Encoding.Latin1.GetString(buffer, 0, read));
        }

        var status = text.ToString().Split(' ');
        return status.Length > 1 && int.TryParse(status[1], CultureInfo.InvariantCulture, out var code) ? code : 0;
    }

    private static string Post(string path, string contentType = "application/json") =>
        $"POST {path} HTTP/1.1\r\nHost: localhost\r\nUser-Agent: tests\r\nContent-Type: {contentType}\r\nTransfer-Encoding: chunked\r\n\r\n";

    // Kestrel reads a chunked body ahead of the endpoint and counts it against its own limit (1 MiB): past that the
    // endpoint's read fails inside Kestrel, which was a 500.
    [Theory]
    [InlineData(2L << 20)]
    [InlineData(100L << 20)]
    public async Task AChunkedCheckBodyOverTheLimitIs413(long bytes)
    {
        await using var app = Start();
        var server = await app.WaitUntilListeningAsync(Timeout);

        Assert.Equal(413, await SendRawAsync(server, Post("/api/v1/check"), bytes));
        Assert.DoesNotContain("fail: ", app.Output, StringComparison.Ordinal);
    }

    // Paths that slip past the HIBP account redaction (doubled or encoded slashes), paths where no number belongs,
    // targets Kestrel itself refuses (a NUL, spaces in the request line), and digits of other scripts: whatever logs
    // them, at whatever level, writes no form of the number.
    [Fact]
    public async Task NoRequestTargetPutsANumberInAnyLogLine()
    {
        await using var app = Start();
        var server = await app.WaitUntilListeningAsync(Timeout);
        string[] targets =
        [
            "/api/v3//breachedaccount/%2B447700900123",
            "/api/v3/breachedaccount%2F%2B447700900123",
            "/api//v3/breachedaccount/%2B447700900123",
            "/api/v3/breachedaccount/%00%2B447700900123",
            "/api/v1/breaches/447700900123",
            "/api/v1/breaches/%2B44%207700%20900123",
            "/api/v1/admin/breaches/447700900123/hashes",
            "/447700900123.js",
            "/api/v1/breaches/" + Uri.EscapeDataString(InScript(Number.E164, '\u0660')), // Arabic-Indic
            "/api/v1/breaches/" + Uri.EscapeDataString(InScript(Number.E164, '\u0966')), // Devanagari
            "/api/v1/breaches/" + Uri.EscapeDataString(InScript(Number.E164, '\uFF10')), // fullwidth
            "/api/v1/breaches/%37%37%30%30%39%30%30%31%32%33",
        ];
        foreach (var target in targets)
        {
            await SendRawAsync(server, $"GET {target} HTTP/1.1\r\nHost: localhost\r\nUser-Agent: tests\r\nConnection: close\r\n\r\n");
        }

        // Request lines Kestrel refuses before any middleware runs.
        Assert.Equal(400, await SendRawAsync(server, "GET /api/v1/breaches/+44 7700 900123 HTTP/1.1\r\nHost: localhost\r\n\r\n"));
        Assert.Equal(400, await SendRawAsync(server, "GET /api/v1/breaches/\u0000447700900123 HTTP/1.1\r\nHost: localhost\r\n\r\n"));
        await Task.Delay(500, Ct); // the last lines reach the console
        app.Terminate();
        await app.WaitForExitAsync(Timeout);
        var logs = app.Output;

        Assert.Contains("Microsoft.AspNetCore.Server.Kestrel", logs, StringComparison.Ordinal);
        Assert.Contains("Microsoft.AspNetCore.Routing", logs, StringComparison.Ordinal);
        Assert.Empty(Number.FoundIn(logs));
        Assert.Contains(LogRedactionPlaceholder, logs, StringComparison.Ordinal);
        foreach (var zero in new[] { '\u0660', '\u0966', '\uFF10' })
        {
            Assert.DoesNotContain(InScript("447700900123", zero), logs, StringComparison.Ordinal);
            Assert.DoesNotContain(Uri.EscapeDataString(InScript("447700900123", zero)), logs, StringComparison.OrdinalIgnoreCase);
        }

        Assert.DoesNotContain("%37%37%30%30%39%30%30%31%32%33", logs, StringComparison.Ordinal);
    }

    private const string LogRedactionPlaceholder = "[redacted]";

    private static string InScript(string ascii, char zero) =>
        string.Concat(ascii.Select(c => char.IsAsciiDigit(c) ? ((char)(zero + (c - '0'))).ToString() : c.ToString()));

    // The management port really is a second listening port: the scrape there, and nowhere else.
    [Fact]
    public async Task TheManagementPortServesMetricsAndThePublicPortDoesNot()
    {
        var port = AppProcess.FreePort();
        await using var app = Start(new() { ["Exposure__Metrics__Port"] = port.ToString(CultureInfo.InvariantCulture) });
        var server = await app.WaitUntilListeningAsync(Timeout);
        using var client = new HttpClient();

        var publicMetrics = await client.GetAsync(new Uri(server, "/metrics"), Ct);
        var management = await client.GetAsync($"http://127.0.0.1:{port}/metrics", Ct);
        var managementOther = await client.GetAsync($"http://127.0.0.1:{port}/api/v1/breaches", Ct);

        Assert.Equal(HttpStatusCode.NotFound, publicMetrics.StatusCode);
        Assert.Equal(HttpStatusCode.OK, management.StatusCode);
        Assert.Contains("exposure_checks_total", await management.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, managementOther.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri(server, "/api/v1/breaches"), Ct)).StatusCode);
    }

}
