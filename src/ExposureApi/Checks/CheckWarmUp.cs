using System.Text.Json;
using ExposureApi.Core.Checks;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace ExposureApi.Checks;

/// <summary>
/// Pays for a check's one-off costs before the service reports itself ready, so that the first citizen's check is
/// about as fast as any other: libphonenumber's metadata, the hand-over to a hashing thread, the store's first query
/// and the JIT of everything on that path, and the JSON contracts of the answers. It checks a number from Ofcom's
/// drama range (never a real subscriber's), once accepted and once rejected, and keeps nothing of the result.
/// </summary>
internal sealed class CheckWarmUp(ExposureChecker checker, IOptions<JsonOptions> json) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var accepted = await checker.CheckAsync("+44 7700 900000", "GB", includeSensitive: false, cancellationToken);
        _ = await checker.CheckAsync("+44 7700", "GB", includeSensitive: false, cancellationToken);
        var options = json.Value.SerializerOptions;
        _ = JsonSerializer.SerializeToUtf8Bytes(new CheckResponse(accepted.IsExposed, [.. accepted.Breaches.Select(ExposedBreach.From)]), options);
        _ = JsonSerializer.Deserialize<CheckRequest>("""{"phoneNumber":"","region":""}""", options);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
