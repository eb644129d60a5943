using ExposureApi.Core.Hashing;

namespace ExposureApi.Core.Tests;

public sealed class HashSchemeTests
{
    [Fact]
    public void TheFingerprintNamesTheParametersAndDigestsOfTheSecrets()
    {
        var fingerprint = TestSchemes.DemoDefaults().Fingerprint.ToString();

        Assert.Matches("^exposure-argon2id-v1;m=19456;t=2;p=1;salt=[0-9a-f]{16};key=[0-9a-f]{16}$", fingerprint);
        Assert.DoesNotContain(Pepper.DemoHex[..16], fingerprint, StringComparison.Ordinal);
    }

    [Fact]
    public void TheFingerprintDigestsAreTheOnesTheContractDefines()
    {
        // salt = first 16 hex of SHA-256("exposure-demo-salt-v1"); key = first 16 hex of HMAC-SHA256(pepper, "exposure-key-id"),
        // computed independently with: printf %s exposure-demo-salt-v1 | sha256sum, and
        // printf %s exposure-key-id | openssl dgst -sha256 -mac HMAC -macopt hexkey:000102...1f
        var fingerprint = TestSchemes.DemoDefaults().Fingerprint;

        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("exposure-demo-salt-v1"u8))[..16], fingerprint.SaltId);
        Assert.Equal(
            Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Convert.FromHexString(Pepper.DemoHex), "exposure-key-id"u8))[..16],
            fingerprint.KeyId);
    }

    [Fact]
    public void AFingerprintRoundTripsThroughItsText()
    {
        var fingerprint = TestSchemes.DemoDefaults().Fingerprint;

        Assert.Equal(fingerprint, SchemeFingerprint.TryParse(fingerprint.ToString()));
        Assert.Equal(fingerprint, SchemeFingerprint.TryParse(fingerprint.ToString().ToUpperInvariant().Replace("EXPOSURE-ARGON2ID-V1", "exposure-argon2id-v1", StringComparison.Ordinal)
            .Replace(";M=", ";m=", StringComparison.Ordinal).Replace(";T=", ";t=", StringComparison.Ordinal).Replace(";P=", ";p=", StringComparison.Ordinal)
            .Replace(";SALT=", ";salt=", StringComparison.Ordinal).Replace(";KEY=", ";key=", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("exposure-argon2id-v2;m=19456;t=2;p=1;salt=0123456789abcdef;key=0123456789abcdef")]
    [InlineData("exposure-argon2id-v1;m=19456;t=2;p=1;salt=0123456789abcdef")]
    [InlineData("exposure-argon2id-v1;m=x;t=2;p=1;salt=0123456789abcdef;key=0123456789abcdef")]
    [InlineData("exposure-argon2id-v1;m=19456;t=2;p=1;salt=0123;key=0123456789abcdef")]
    [InlineData("exposure-argon2id-v1;m=19456;m=2;p=1;salt=0123456789abcdef;key=0123456789abcdef")]
    public void TextThatIsNotAFingerprintDoesNotParse(string text)
    {
        Assert.Null(SchemeFingerprint.TryParse(text));
    }

    [Fact]
    public void DifferencesNameEachPartThatDiffers()
    {
        var a = TestSchemes.Cheap().Fingerprint;
        var b = TestSchemes.Cheap(salt: "another-salt-0123456789", pepperHex: new string('3', 64)).Fingerprint with { MemoryKiB = 128 };

        var differences = a.DifferencesFrom(b);

        Assert.Equal(3, differences.Count);
        Assert.Contains(differences, d => d.StartsWith("memory (m): configured 64 KiB, store 128 KiB", StringComparison.Ordinal));
        Assert.Contains(differences, d => d.StartsWith("salt id:", StringComparison.Ordinal));
        Assert.Contains(differences, d => d.StartsWith("pepper key id:", StringComparison.Ordinal));
        Assert.Empty(a.DifferencesFrom(a with { }));
    }

    [Theory]
    [InlineData("00")]
    [InlineData("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e")]
    [InlineData("zz0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")]
    public void AShortOrNonHexPepperIsRefusedWithoutEchoingIt(string hex)
    {
        var error = Assert.Throws<FormatException>(() => Pepper.FromHex(hex));

        Assert.DoesNotContain(hex, error.Message, StringComparison.Ordinal);
    }

    // The weak-pepper rule must never refuse a key an operator made as told (openssl rand -hex 32).
    [Fact]
    public void NoRandomPepperIsCalledWeak()
    {
        for (var i = 0; i < 10_000; i++)
        {
            using var pepper = Pepper.FromHex(Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
            Assert.Null(pepper.Weakness);
        }
    }

    [Theory]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF")]
    [InlineData("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F")]
    [InlineData("b5940ea5000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("70617373776f726470617373776f726470617373776f726470617373776f7264")] // "password" ×4
    public void APatternIsCalledWeak(string hex)
    {
        using var pepper = Pepper.FromHex(hex);

        Assert.NotNull(pepper.Weakness);
    }

    [Fact]
    public void APepperFileIsReadIgnoringSurroundingWhiteSpace()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, $"  {Pepper.DemoHex}\n\n");
            using var pepper = Pepper.FromFile(path);

            Assert.True(pepper.IsDemo);
            Assert.Equal("Pepper(redacted)", pepper.ToString());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AMissingPepperFileIsNamed()
    {
        var error = Assert.Throws<FileNotFoundException>(() => Pepper.FromFile("/nonexistent/pepper"));
        Assert.Contains("/nonexistent/pepper", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AShortSaltIsRefused()
    {
        Assert.Throws<ArgumentException>(() => new HashScheme(Pepper.FromHex(Pepper.DemoHex), "too-short"));
    }
}
