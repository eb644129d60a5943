using ExposureApi.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ExposureApi.Tests;

/// <summary>Breaches and numbers that tests put into a factory's store. Numbers are from ranges reserved for fiction.</summary>
internal static class TestData
{
    public static Breach Breach(string name, DateOnly date, bool sensitive = false, bool retired = false) => new()
    {
        Name = name,
        Title = $"{name} (test)",
        Domain = $"{name.ToLowerInvariant()}.example",
        BreachDate = date,
        PwnCount = 1000,
        Description = $"<p>{name} test breach.</p>",
        DataClasses = ["Names", "Phone numbers"],
        IsVerified = true,
        IsSensitive = sensitive,
        IsRetired = retired,
    };

    /// <summary>Issues an API key in the factory's store and returns the secret.</summary>
    public static async Task<string> IssueKeyAsync(this ExposureApiFactory factory, string name, string scopes = "check", int ratePerMinute = 100000)
    {
        var keys = factory.Services.GetRequiredService<Core.Keys.ApiKeyStore>();
        var (_, secret) = await keys.IssueAsync(name, scopes.Split(','), ratePerMinute, CancellationToken.None);
        return secret;
    }

    /// <summary>A client that sends <paramref name="key"/> in X-Api-Key.</summary>
    public static HttpClient ClientWithKey(this ExposureApiFactory factory, string key, string header = "X-Api-Key")
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add(header, key);
        return client;
    }

    /// <summary>Adds <paramref name="breach"/> to the factory's store with the given canonical numbers exposed in it.</summary>
    public static async Task AddAsync(this ExposureApiFactory factory, Breach breach, params string[] e164Numbers)
    {
        var store = factory.Store;
        await store.Breaches.UpsertAsync(breach, CancellationToken.None);
        await store.AddExposuresAsync(breach.Name, e164Numbers.Select(factory.Hasher.Hash), CancellationToken.None);
    }
}
