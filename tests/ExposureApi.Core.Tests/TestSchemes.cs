using ExposureApi.Core.Hashing;

namespace ExposureApi.Core.Tests;

/// <summary>Schemes for tests: the published demo secrets, at the real defaults or at a cost cheap enough for many hashes.</summary>
internal static class TestSchemes
{
    public static HashScheme DemoDefaults() => new(Pepper.FromHex(Pepper.DemoHex), HashScheme.DemoSalt);

    public static HashScheme Cheap(string salt = TestSecrets.Salt, string pepperHex = TestSecrets.Pepper) =>
        new(Pepper.FromHex(pepperHex), salt, memoryKiB: 64, iterations: 1, parallelism: 1);
}
