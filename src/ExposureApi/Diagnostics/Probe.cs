namespace ExposureApi.Diagnostics;

/// <summary>A one-shot HTTP probe for container health checks: exit 0 on a 2xx answer within five seconds, else 1.</summary>
internal static class Probe
{
    public static async Task<int> RunAsync(string url)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await client.GetAsync(new Uri(url));
            Console.WriteLine($"{(int)response.StatusCode} {url}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or UriFormatException)
        {
            await Console.Error.WriteLineAsync($"probe failed: {e.Message}");
            return 1;
        }
    }
}
