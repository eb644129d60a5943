using System.Text;
using ExposureApi.Core.Hashing.Argon2;

namespace ExposureApi.Core.Tests.Hashing;

public sealed class Blake2bTests
{
    // RFC 7693 appendix A, and the empty-input digest published with the reference implementation.
    [Theory]
    [InlineData("abc", "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923")]
    [InlineData("", "786a02f742015903c6c6fd852552d272912f4740e15847618a86e217f71f5419d25e1031afee585313896444934eb04b903a685b1448b755d56f701afe9be2ce")]
    public void KnownDigestsAreReproduced(string input, string expected)
    {
        var digest = new byte[64];
        Blake2b.Hash(Encoding.ASCII.GetBytes(input), digest);
        Assert.Equal(expected, Convert.ToHexStringLower(digest));
    }

    // Feeding the same bytes whole or in pieces of every size across the 128-byte block boundary gives one digest.
    [Fact]
    public void IncrementalUpdatesEqualOneShot()
    {
        var data = Enumerable.Range(0, 700).Select(i => (byte)(i * 7)).ToArray();
        var whole = new byte[48];
        Blake2b.Hash(data, whole);

        foreach (var piece in new[] { 1, 3, 64, 127, 128, 129, 300 })
        {
            var blake = new Blake2b(48);
            for (var offset = 0; offset < data.Length; offset += piece)
            {
                blake.Update(data.AsSpan(offset, Math.Min(piece, data.Length - offset)));
            }

            var pieces = new byte[48];
            blake.Finish(pieces);
            Assert.Equal(whole, pieces);
        }
    }
}
