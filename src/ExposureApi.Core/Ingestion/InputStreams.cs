using System.IO.Compression;

namespace ExposureApi.Core.Ingestion;

/// <summary>Opens inputs the way ops hand them over: plain or gzip-compressed, recognised by content rather than name.</summary>
public static class InputStreams
{
    /// <summary>Returns a stream of <paramref name="stream"/>'s content, decompressed when it starts with the gzip magic bytes.</summary>
    /// <remarks>Works on streams that cannot seek, such as standard input or an HTTP request body.</remarks>
    /// <param name="maxBytes">
    /// The most content (after decompression) that may be read; one byte more throws <see cref="InputTooLargeException"/>.
    /// A gzip bomb (a few megabytes that expand to terabytes) is stopped there, before it fills a disk.
    /// </param>
    public static Stream Decompressed(Stream stream, long? maxBytes = null)
    {
        var content = GunzipIfCompressed(stream);
        return maxBytes is { } limit ? new BoundedStream(content, limit) : content;
    }

    private static Stream GunzipIfCompressed(Stream stream)
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

    /// <summary>Passes at most a given number of bytes through, and throws on the first byte past it.</summary>
    private sealed class BoundedStream(Stream inner, long maxBytes) : ReadOnlyStreamWrapper(inner)
    {
        private long _read;

        public override int Read(Span<byte> buffer)
        {
            // Ask for one byte past the limit at most, so a stream that ends exactly at the limit is not refused.
            var n = Inner.Read(buffer[..(int)Math.Min(buffer.Length, maxBytes - _read + 1)]);
            return Count(n);
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await Inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, maxBytes - _read + 1)], cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Count(int n)
        {
            _read += n;
            return _read > maxBytes ? throw new InputTooLargeException(maxBytes) : n;
        }
    }

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

/// <summary>An input is larger than the bound its reader was given (after decompression); nothing of it was loaded.</summary>
public sealed class InputTooLargeException(long maxBytes)
    : IOException($"The input is larger than {maxBytes} bytes once decompressed, the most this reader accepts.")
{
    public long MaxBytes { get; } = maxBytes;
}
