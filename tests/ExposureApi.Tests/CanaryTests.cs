using System.Net;
using System.Text;

namespace ExposureApi.Tests;

/// <summary>
/// The service never holds a raw phone number: after exposed, not-exposed and invalid checks (through the API, a
/// partner's batch and the citizens' page's form), no form of the number
/// is in any log entry (captured at Trace, with structured values, scopes and exceptions) or any file the host wrote,
/// the SQLite database, its WAL and shared-memory files included.
/// </summary>
public sealed class CanaryTests : IAsyncLifetime
{
    private static readonly Canary Exposed = new("+447700900123");
    private static readonly Canary NotExposed = new("+447700900457");
    private static readonly Canary Invalid = new("+447700900789");

    private readonly ExposureApiFactory _factory = new();
    private HttpClient _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _client = _factory.CreateClient();
        await _factory.AddAsync(TestData.Breach("CanaryBreach", new DateOnly(2023, 6, 12)), Exposed.E164);
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    private async Task<(HttpStatusCode Status, string Body)> Check(string json)
    {
        var response = await _client.PostAsync("/api/v1/check", new StringContent(json, Encoding.UTF8, "application/json"), Ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task NoFormOfACheckedNumberIsLoggedOrWritten()
    {
        // SQLite deletes the WAL when the last connection closes, and other tests clear the process-wide pool when
        // they finish; an unpooled connection of our own keeps the WAL on disk until it has been read.
        using var keepWal = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_factory.Folder, "store.db")};Mode=ReadOnly;Pooling=False");
        keepWal.Open();
        foreach (var form in Exposed.Forms.Where(f => !f.StartsWith("tel:", StringComparison.Ordinal)))
        {
            var (status, body) = await Check($$"""{"phoneNumber":"{{form}}","region":"GB"}""");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Contains("\"exposed\":true", body, StringComparison.Ordinal);
        }

        foreach (var form in NotExposed.Forms.Where(f => !f.StartsWith("tel:", StringComparison.Ordinal)))
        {
            var (status, body) = await Check($$"""{"phoneNumber":"{{form}}","region":"GB"}""");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Contains("\"exposed\":false", body, StringComparison.Ordinal);
        }

        // Invalid in every way the API distinguishes, each carrying the canary's digits.
        string[] invalidBodies =
        [
            $$"""{"phoneNumber":"{{Invalid.E164}}99999"}""",
            $$"""{"phoneNumber":"{{Invalid.Forms[5]}} ext. seems wrong {{Invalid.E164}}"}""",
            $$"""{"phoneNumber":"{{Invalid.Forms[4]}}","region":"ZZ"}""",
            $$"""{"phoneNumber":"+999{{Invalid.Forms[4]}}"}""",
            $$"""{"phoneNumber":"{{Invalid.E164}}" """,
            $$"""{"phoneNumber":{{Invalid.Forms[1]}}}""",
            $$"""{"phoneNumber":"{{Invalid.E164}}","pad":"{{new string('x', 5000)}}"}""",
        ];
        foreach (var json in invalidBodies)
        {
            var (status, body) = await Check(json);
            Assert.True(status is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge, $"{status}");
            Assert.Empty(Invalid.FoundIn(body));
        }

        // A partner's batch: every form of the exposed canary, and the invalid one.
        using (var partner = _factory.ClientWithKey(await _factory.IssueKeyAsync("partner", "check,check:sensitive")))
        {
            var numbers = string.Join(",", Exposed.Forms.Where(f => !f.StartsWith("tel:", StringComparison.Ordinal)).Append(Invalid.E164 + "99999").Select(f => $"\"{f}\""));
            var batch = await partner.PostAsync("/api/v1/check/batch", new StringContent($$"""{"phoneNumbers":[{{numbers}}],"region":"GB"}""", Encoding.UTF8, "application/json"), Ct);
            Assert.Equal(HttpStatusCode.OK, batch.StatusCode);
            Assert.Empty(Invalid.FoundIn(await batch.Content.ReadAsStringAsync(Ct)));
        }

        var wrongType = await _client.PostAsync("/api/v1/check", new StringContent(Invalid.E164, Encoding.UTF8, "text/plain"), Ct);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType.StatusCode);

        // The citizens' page's own form, as a browser without script posts it: every canary, in both languages. The
        // page it answers with never writes the number back.
        foreach (var (canary, expected) in new[] { (Exposed, HttpStatusCode.OK), (NotExposed, HttpStatusCode.OK), (Invalid, HttpStatusCode.UnprocessableEntity) })
        {
            foreach (var (form, index) in canary.Forms.Select((f, i) => (f, i)).Where(f => !f.f.StartsWith("tel:", StringComparison.Ordinal)))
            {
                foreach (var lang in new[] { "en", "hi" })
                {
                    var phone = canary == Invalid ? form + "99999" : form;
                    var page = await _client.PostAsync("/", new FormUrlEncodedContent([new("lang", lang), new("region", "GB"), new("phone", phone)]), Ct);
                    Assert.True(page.StatusCode == expected, $"form {index} in {lang}: {page.StatusCode}, expected {expected}");
                    Assert.Empty(canary.FoundIn(await page.Content.ReadAsStringAsync(Ct)));
                }
            }
        }

        var logs = _factory.Logs.AllText;
        Assert.NotEmpty(_factory.Logs.Entries);
        Assert.Contains("Check answered", logs, StringComparison.Ordinal);
        Assert.Contains("Check rejected", logs, StringComparison.Ordinal);
        Assert.Contains("HTTP POST /api/v1/check responded 200", logs, StringComparison.Ordinal); // the per-request line
        Assert.Contains("HTTP POST / responded 422", logs, StringComparison.Ordinal);
        Assert.Contains("Page check answered", logs, StringComparison.Ordinal);
        Assert.Contains("Microsoft.AspNetCore.Routing", logs, StringComparison.Ordinal); // the framework's own Trace/Debug entries are captured too
        Assert.True(File.Exists(Path.Combine(_factory.Folder, "store.db-wal")), "the WAL should exist while the host runs");

        foreach (var canary in new[] { Exposed, NotExposed, Invalid })
        {
            canary.AssertAbsent(logs, _factory.Folder);
        }
    }

    // The detector itself must be able to fail, or the test above proves nothing.
    [Fact]
    public void TheCanaryIsFoundInEveryFormAndEncoding()
    {
        foreach (var form in Exposed.Forms)
        {
            Assert.Contains(form, Exposed.FoundIn($"log line: {form}."));
            Assert.Contains(form, Exposed.FoundIn(Encoding.Unicode.GetBytes($"x{form}x")));
            Assert.Contains(form, Exposed.FoundIn(Encoding.UTF8.GetBytes($"x{form}x")));
        }

        Assert.Equal(["+447700900123", "447700900123", "7700900123"], Exposed.FoundIn("sent +447700900123"));
        Assert.Equal(["7700 900123"], Exposed.FoundIn("digits 7700 900123"));
        Assert.Empty(Exposed.FoundIn("+447700900124"));
    }
}
