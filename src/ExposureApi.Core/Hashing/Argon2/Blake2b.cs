using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace ExposureApi.Core.Hashing.Argon2;

/// <summary>
/// BLAKE2b (RFC 7693), unkeyed, incremental and allocation-free: what Argon2 builds H0 and its variable-length hash
/// H' from. It runs a few dozen times per Argon2 hash against tens of thousands of block compressions, so it is
/// plain scalar code.
/// </summary>
internal struct Blake2b
{
    public const int BlockBytes = 128;
    public const int MaxOutputBytes = 64;

    private ChainingValue _h;
    private MessageBlock _buffer;
    private int _filled;
    private ulong _length;
    private readonly int _outputLength;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Blake2b(int outputLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(outputLength, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(outputLength, MaxOutputBytes);
        _outputLength = outputLength;
        for (var i = 0; i < 8; i++)
        {
            _h[i] = Iv[i];
        }

        // Parameter block: digest length, no key, fanout 1, depth 1.
        _h[0] ^= 0x01010000UL ^ (ulong)outputLength;
    }

    /// <summary>One-shot BLAKE2b of <paramref name="data"/> with the output length of <paramref name="output"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Hash(ReadOnlySpan<byte> data, Span<byte> output)
    {
        var blake = new Blake2b(output.Length);
        blake.Update(data);
        blake.Finish(output);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Update(ReadOnlySpan<byte> data)
    {
        Span<byte> buffer = _buffer;
        while (data.Length > 0)
        {
            // A full buffer is compressed only once more input arrives: the last block is compressed with the final flag.
            if (_filled == BlockBytes)
            {
                _length += BlockBytes;
                Compress(buffer, last: false);
                _filled = 0;
            }

            var take = Math.Min(BlockBytes - _filled, data.Length);
            data[..take].CopyTo(buffer[_filled..]);
            _filled += take;
            data = data[take..];
        }
    }

    /// <summary>Argon2's LE32(value).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Update(uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        Update(bytes);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Finish(Span<byte> output)
    {
        if (output.Length != _outputLength)
        {
            throw new ArgumentException($"The output must be the {_outputLength} bytes this hash was created for.", nameof(output));
        }

        Span<byte> buffer = _buffer;
        _length += (ulong)_filled;
        buffer[_filled..].Clear();
        Compress(buffer, last: true);

        Span<byte> digest = stackalloc byte[MaxOutputBytes];
        for (var i = 0; i < 8; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(digest[(8 * i)..], _h[i]);
        }

        digest[.._outputLength].CopyTo(output);
        CryptographicOperations.ZeroMemory(digest);
        CryptographicOperations.ZeroMemory(buffer);
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes((Span<ulong>)_h));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Compress(ReadOnlySpan<byte> block, bool last)
    {
        Span<ulong> m = stackalloc ulong[16];
        Span<ulong> v = stackalloc ulong[16];
        for (var i = 0; i < 16; i++)
        {
            m[i] = BinaryPrimitives.ReadUInt64LittleEndian(block[(8 * i)..]);
        }

        for (var i = 0; i < 8; i++)
        {
            v[i] = _h[i];
            v[i + 8] = Iv[i];
        }

        // Argon2's inputs are far below 2^64 bytes: the high word of the counter stays zero.
        v[12] ^= _length;
        if (last)
        {
            v[14] = ~v[14];
        }

        for (var round = 0; round < 12; round++)
        {
            var s = Sigma.Slice(16 * (round % 10), 16);
            Mix(v, 0, 4, 8, 12, m[s[0]], m[s[1]]);
            Mix(v, 1, 5, 9, 13, m[s[2]], m[s[3]]);
            Mix(v, 2, 6, 10, 14, m[s[4]], m[s[5]]);
            Mix(v, 3, 7, 11, 15, m[s[6]], m[s[7]]);
            Mix(v, 0, 5, 10, 15, m[s[8]], m[s[9]]);
            Mix(v, 1, 6, 11, 12, m[s[10]], m[s[11]]);
            Mix(v, 2, 7, 8, 13, m[s[12]], m[s[13]]);
            Mix(v, 3, 4, 9, 14, m[s[14]], m[s[15]]);
        }

        for (var i = 0; i < 8; i++)
        {
            _h[i] ^= v[i] ^ v[i + 8];
        }

        m.Clear();
        v.Clear();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Mix(Span<ulong> v, int a, int b, int c, int d, ulong x, ulong y)
    {
        v[a] += v[b] + x;
        v[d] = BitOperations.RotateRight(v[d] ^ v[a], 32);
        v[c] += v[d];
        v[b] = BitOperations.RotateRight(v[b] ^ v[c], 24);
        v[a] += v[b] + y;
        v[d] = BitOperations.RotateRight(v[d] ^ v[a], 16);
        v[c] += v[d];
        v[b] = BitOperations.RotateRight(v[b] ^ v[c], 63);
    }

    private static ReadOnlySpan<ulong> Iv =>
    [
        0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
        0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179,
    ];

    private static ReadOnlySpan<byte> Sigma =>
    [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
        14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3,
        11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4,
        7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8,
        9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13,
        2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9,
        12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11,
        13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10,
        6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5,
        10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0,
    ];

    [InlineArray(8)]
    private struct ChainingValue
    {
        private ulong _element;
    }

    [InlineArray(BlockBytes)]
    private struct MessageBlock
    {
        private byte _element;
    }
}
