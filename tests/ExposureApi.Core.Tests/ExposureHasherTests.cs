using System.Diagnostics;
using System.Text;
using ExposureApi.Core.Hashing;
using ExposureApi.Core.Hashing.Argon2;
using Konscious.Security.Cryptography;

namespace ExposureApi.Core.Tests;

public sealed class ExposureHasherTests
{
    private const string GoldenNumber = "+918123456789";
    private const string GoldenHmacHex = "4256249432db2d6e627891fe66a5f705212bc9e5d3833da5bd23c68b05e108aa";
    private const string GoldenTagHex = "1624f2564e6e506951fb922cd5b18b6ca0f03b64db8281031af4b530b8eb5e97";

    [Fact]
    public void TheHmacStepMatchesTheGoldenVector()
    {
        var hasher = new ExposureHasher(TestSchemes.DemoDefaults());
        var password = new byte[64];

        hasher.WriteArgon2Password(GoldenNumber, password);

        Assert.Equal(GoldenHmacHex, Encoding.ASCII.GetString(password));
    }

    // Runs at the real defaults (m=19456 KiB, t=2, p=1): the contract is the default scheme, not a cheap one.
    [Theory]
    [InlineData(Argon2Engines.Fast)]
    [InlineData(Argon2Engines.Konscious)]
    public void TheTagAtTheDefaultParametersMatchesTheGoldenVectorOnEveryEngine(string engine)
    {
        var scheme = TestSchemes.DemoDefaults();
        Assert.Equal((19456, 2, 1), (scheme.MemoryKiB, scheme.Iterations, scheme.Parallelism));

        var tag = new ExposureHasher(scheme, engine).Hash(GoldenNumber);

        Assert.Equal(GoldenTagHex, Convert.ToHexStringLower(tag));
    }

    [Fact]
    public void TheStartUpSelfTestChecksTheSameGoldenVector()
    {
        Assert.Equal((GoldenNumber, GoldenTagHex), (EngineSelfTest.GoldenNumber, EngineSelfTest.GoldenTagHex));
    }

    [Fact]
    public void TheReferenceArgon2CommandReproducesTheGoldenTag()
    {
        var argon2Command = ExternalTool.Require("/usr/bin/argon2", "argon2");

        var start = new ProcessStartInfo(argon2Command, [HashScheme.DemoSalt, "-id", "-t", "2", "-k", "19456", "-p", "1", "-l", "32", "-r"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        using var argon2 = Process.Start(start)!;
        argon2.StandardInput.Write(GoldenHmacHex);
        argon2.StandardInput.Close();
        var output = argon2.StandardOutput.ReadToEnd().Trim();
        argon2.WaitForExit();

        Assert.Equal(0, argon2.ExitCode);
        Assert.Equal(GoldenTagHex, output);
    }

    // RFC 9106 section 5.3: Argon2id with secret and associated data, proving Konscious implements the standard.
    [Fact]
    public void KonsciousReproducesTheRfc9106Argon2idVector()
    {
        using var argon2 = new Argon2id(Enumerable.Repeat((byte)0x01, 32).ToArray())
        {
            Salt = Enumerable.Repeat((byte)0x02, 16).ToArray(),
            KnownSecret = Enumerable.Repeat((byte)0x03, 8).ToArray(),
            AssociatedData = Enumerable.Repeat((byte)0x04, 12).ToArray(),
            Iterations = 3,
            MemorySize = 32,
            DegreeOfParallelism = 4,
        };

        var tag = argon2.GetBytes(32);

        Assert.Equal("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659", Convert.ToHexStringLower(tag));
    }

    [Fact]
    public void EveryPartOfTheSchemeChangesTheTag()
    {
        var baseline = Convert.ToHexStringLower(new ExposureHasher(TestSchemes.Cheap()).Hash(GoldenNumber));
        var variants = new[]
        {
            TestSchemes.Cheap(salt: "another-salt-0123456789"),
            TestSchemes.Cheap(pepperHex: new string('2', 64)),
            new HashScheme(Pepper.FromHex("11111111111111111111111111111111111111111111111111111111111111aa"), "test-salt-0123456789", memoryKiB: 128, iterations: 1),
            new HashScheme(Pepper.FromHex("11111111111111111111111111111111111111111111111111111111111111aa"), "test-salt-0123456789", memoryKiB: 64, iterations: 2),
        };

        foreach (var scheme in variants)
        {
            Assert.NotEqual(baseline, Convert.ToHexStringLower(new ExposureHasher(scheme).Hash(GoldenNumber)));
        }

        Assert.NotEqual(baseline, Convert.ToHexStringLower(new ExposureHasher(TestSchemes.Cheap()).Hash("+918123456780")));
        Assert.Equal(baseline, Convert.ToHexStringLower(new ExposureHasher(TestSchemes.Cheap()).Hash(GoldenNumber)));
    }

    [Theory]
    [InlineData("918123456789")]
    [InlineData("+91 8123456789")]
    [InlineData("+9181234567891234")]
    [InlineData("")]
    public void ANumberThatIsNotCanonicalIsRefusedWithoutBeingEchoed(string input)
    {
        var error = Assert.Throws<ArgumentException>(() => new ExposureHasher(TestSchemes.Cheap()).Hash(input));

        if (input.Length > 0)
        {
            Assert.DoesNotContain(input, error.Message, StringComparison.Ordinal);
        }
    }
}
