using System.Collections.Concurrent;
using Microsoft.AspNetCore.StaticAssets;

namespace ExposureApi.WebPage;

/// <summary>
/// The fingerprinted address of each file in wwwroot (<c>/styles.a4cb1kr1rn.css</c> for <c>styles.css</c>), which
/// <c>MapStaticAssets</c> serves precompressed and cacheable for a year: the page links those, so a returning visitor
/// fetches nothing but the page itself until a file changes.
/// </summary>
internal sealed class StaticAssetPaths
{
    private readonly ConcurrentDictionary<string, string> _paths = new(StringComparer.Ordinal);

    /// <summary>The address to link for <paramref name="file"/>; its plain path when it has no fingerprinted copy.</summary>
    public string this[string file] => _paths.GetValueOrDefault(file, "/" + file);

    /// <summary>Maps wwwroot with <c>MapStaticAssets</c>, learning each file's fingerprinted route as its endpoint is built.</summary>
    public static void MapFor(WebApplication app)
    {
        var paths = app.Services.GetRequiredService<StaticAssetPaths>();
        app.MapStaticAssets().Add(endpoint =>
        {
            if (endpoint.Metadata.OfType<StaticAssetDescriptor>().FirstOrDefault() is { } asset
                && asset.Properties.FirstOrDefault(p => p.Name == "label")?.Value is { } label
                && asset.Properties.Any(p => p.Name == "fingerprint")
                && asset.Selectors.Count == 0)
            {
                paths._paths[label] = "/" + asset.Route;
            }
        });
    }
}
