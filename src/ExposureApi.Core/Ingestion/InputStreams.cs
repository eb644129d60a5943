using System.IO.Compression;

namespace ExposureApi.Core.Ingestion;

/// <summary>Opens inputs the way ops hand them over: plain or gzip-compressed, recognised by content rather than name.</summary>
public static class InputStreams
{
    /// <summary>Returns a stream of <paramref name="stream"/>'s content, decompressed when it starts with the gzip magic bytes.</summary>
    /// <remarks>Works on streams that cannot seek, such as standard input or an HTTP request body.</remarks>
    public static Stream Decompressed(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var head = new byte[2];
        var read = 0;
        int n;
        while (read < head.Length && (n = stream.Read(head, read, head.Length - read)) > 0)
        {
            read += n;
        }

        var whole = new PrefixedStream(head.AsMemory(0, read), stream);
        return read == 2 && head[0] == 0x1f && head[1] == 0x8b
            ? new GZipStream(whole, CompressionMode.Decompress)
            : whole;
    }

    /// <summary>True for the names that mean standard input: <c>-</c>, and <c>/dev/stdin</c> (what the CLI passes for <c>-</c>).</summary>
    public static bool IsStandardInput(string path) => path is "-" or "/dev/stdin";

    /// <summary>Opens <paramref name="path"/> for one sequential read; <c>-</c> is standard input.</summary>
    public static Stream OpenRead(string path) => IsStandardInput(path)
        ? Console.OpenStandardInput()
        : new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);

    /// <summary>Replays bytes already read from a stream, then continues with the stream.</summary>
    private sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream inner) : ReadOnlyStreamWrapper(inner)
    {
        private ReadOnlyMemory<byte> _prefix = prefix;

        public override int Read(Span<byte> buffer)
        {
            if (_prefix.IsEmpty)
            {
                return Inner.Read(buffer);
            }

            var n = Math.Min(buffer.Length, _prefix.Length);
            _prefix.Span[..n].CopyTo(buffer);
            _prefix = _prefix[n..];
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            _prefix.IsEmpty ? await Inner.ReadAsync(buffer, cancellationToken) : Read(buffer.Span);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }
}
