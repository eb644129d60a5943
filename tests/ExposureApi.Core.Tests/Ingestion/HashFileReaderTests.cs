using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using ExposureApi.Core.Ingestion;

namespace ExposureApi.Core.Tests.Ingestion;

public sealed class HashFileReaderTests
{
    private static readonly string Scheme = TestSchemes.Cheap().Fingerprint.ToString();

    private static string Hex(int i) => Convert.ToHexStringLower(SHA256.HashData(BitConverter.GetBytes(i)));

    private static HashFileReader Read(string text, bool gzip = false)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        if (gzip)
        {
            using var compressed = new MemoryStream();
            using (var zip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            {
                zip.Write(bytes);
            }

            bytes = compressed.ToArray();
        }

        return HashFileReader.Open(new MemoryStream(bytes), "test.hashes");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TheHeaderTheCoreWritesIsReadBackWithEveryHashInEitherCaseAndCompressed(bool gzip)
    {
        var hashes = new[] { Hex(1), Hex(2).ToUpperInvariant(), "  " + Hex(3) + "  ", "", Hex(4) };
        using var reader = Read(TestFiles.HashFile(Scheme, [.. hashes.Where(h => h.Length > 0)]) + "\n", gzip);

        Assert.Equal(Scheme, reader.Fingerprint.ToString());
        Assert.Equal([Hex(1), Hex(2), Hex(3), Hex(4)], reader.ReadHashes().Select(h => Convert.ToHexStringLower(h.ToArray())));
    }

    [Theory]
    [InlineData("# not a hash file\n", 1, "first line")]
    [InlineData("# exposure-hashes v1\n# count: 1\n", 2, "scheme")]
    [InlineData("# exposure-hashes v1\n# scheme: nonsense\n", 2, "scheme")]
    public void AHeaderWithoutMagicOrSchemeIsRefusedNamingTheLine(string text, int line, string reason)
    {
        var error = Assert.Throws<HashFileFormatException>(() => Read(text).Dispose());

        Assert.Equal(("test.hashes", line), (error.File, error.Line));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    // A malformed line names the file and the line and never quotes it: a careless operator may have fed a dump.
    [Fact]
    public void AMalformedLineNamesFileAndLineWithoutQuotingIt()
    {
        const string Number = "+447700900123";
        using var reader = Read(TestFiles.HashFile(Scheme, [Hex(1), Number, Hex(2)], withCount: false));

        var error = Assert.Throws<HashFileFormatException>(() => reader.ReadHashes().ToList());

        Assert.Equal(("test.hashes", 4), (error.File, error.Line));
        Assert.DoesNotContain(Number, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("7700900123", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACountThatDisagreesWithTheLinesIsRefused()
    {
        using var reader = Read(HashFileReader.Header(Scheme, count: 3) + Hex(1) + "\n" + Hex(2) + "\n");

        Assert.Throws<HashFileFormatException>(() => reader.ReadHashes().ToList());
    }
}
