using ExposureApi.Core.Storage;

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

    /// <summary>Adds <paramref name="breach"/> to the factory's store with the given canonical numbers exposed in it.</summary>
    public static async Task AddAsync(this ExposureApiFactory factory, Breach breach, params string[] e164Numbers)
    {
        var store = factory.Store;
        await store.UpsertBreachAsync(breach, CancellationToken.None);
        await store.AddExposuresAsync(breach.Name, e164Numbers.Select(factory.Hasher.Hash), CancellationToken.None);
    }
}
