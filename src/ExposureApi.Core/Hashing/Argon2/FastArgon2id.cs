using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;

namespace ExposureApi.Core.Hashing.Argon2;

// Longer than this codebase's files usually are, on purpose: this is one algorithm (RFC 9106 §3), read top to bottom
// against the RFC, from H0 through the segments and the reference index to the final tag; split, its steps would be
// scattered over files that each make sense only beside the others. G itself is in BlockCompression.cs.

/// <summary>
/// Argon2id v1.3 (RFC 9106) written for speed: G runs on AVX2 where the CPU has it (scalar code elsewhere), and the
/// engine allocates its m blocks once and reuses them for every hash, so that a hash in steady state allocates
/// nothing and touches no new page. Byte-identical to Konscious, which the tests and the start-up self-test prove.
/// </summary>
/// <remarks>
/// <para>Each block depends on a reference block chosen at random across the memory, usually not in any cache. The
/// engine fetches the next reference as soon as it is known, while it computes the rest of the current block; and
/// an engine made for two hashes at once (<see cref="HashPair"/>) runs two independent hashes in lockstep, so that
/// one hash's fetch overlaps the other's computation (docs/performance.md measures both).</para>
/// <para>Lanes run one after another within each slice. That gives the same result as running them in parallel:
/// within a slice a lane references only its own blocks and other lanes' blocks from earlier slices.</para>
/// <para>The blocks are not wiped between hashes, only when the engine is disposed. They hold values derived from
/// the HMAC of a number, never the number, and the next hash overwrites every block before reading it. Wiping 19 MiB
/// per hash would cost time and protect nothing the tag does not (docs/performance.md).</para>
/// <para>Not thread-safe: one engine, one thread at a time. Concurrent use is detected and refused.</para>
/// <para>Everything a hash runs is marked <c>AggressiveOptimization</c>: compiled once, fully optimised, at its first
/// call, rather than run as tier-0 code and recompiled later, so that the first hash is as fast as the rest and a warm
/// engine never executes code from a page it has not touched.</para>
/// </remarks>
public sealed unsafe class FastArgon2id : IArgon2idEngine
{
    /// <summary>The most hashes one engine interleaves: two already hide most of the wait for memory.</summary>
    public const int MaxHashesAtOnce = 2;

    private const int BlockBytes = BlockCompression.WordsPerBlock * sizeof(ulong);
    private const int AddressesPerBlock = BlockCompression.WordsPerBlock;
    private const int SyncPoints = 4;
    private const int Version = 0x13;
    private const int TypeArgon2id = 2;

    // Scratch blocks after the memories: G's state, a zero block, the address generator's input and output.
    private const int ScratchBlocks = 4;

    private readonly Argon2Memory _memory;
    private readonly ulong* _memories;
    private readonly ulong* _state;
    private readonly ulong* _zero;
    private readonly ulong* _addressInput;
    private readonly ulong* _addresses;
    private readonly int _laneLength;
    private readonly int _segmentLength;
    private int _inUse;

    /// <param name="instructions">The instruction set for G; the best this CPU has when null.</param>
    /// <param name="hugePages">Ask Linux for 2 MiB pages for the blocks (docs/performance.md measures both).</param>
    /// <param name="hashesAtOnce">1, or 2 for an engine that can also run <see cref="HashPair"/> (twice the memory).</param>
    public FastArgon2id(Argon2Cost cost, Argon2Instructions? instructions = null, bool hugePages = true, int hashesAtOnce = 1)
    {
        cost.ThrowIfInvalid();
        ArgumentOutOfRangeException.ThrowIfLessThan(hashesAtOnce, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(hashesAtOnce, MaxHashesAtOnce);
        Instructions = instructions ?? BlockCompression.Best;
        if (!BlockCompression.IsSupported(Instructions))
        {
            throw new PlatformNotSupportedException($"This CPU does not support {Instructions}; use {BlockCompression.Best}.");
        }

        Cost = cost;
        HashesAtOnce = hashesAtOnce;
        _laneLength = cost.Blocks / cost.Parallelism;
        _segmentLength = _laneLength / SyncPoints;
        var memoryBlocks = (nuint)cost.Blocks * (nuint)hashesAtOnce;
        _memory = new Argon2Memory((memoryBlocks + ScratchBlocks) * BlockBytes, hugePages);
        _memories = (ulong*)_memory.Pointer;
        var scratch = _memories + (memoryBlocks * BlockCompression.WordsPerBlock);
        _state = scratch;
        _zero = scratch + BlockCompression.WordsPerBlock;
        _addressInput = scratch + (2 * BlockCompression.WordsPerBlock);
        _addresses = scratch + (3 * BlockCompression.WordsPerBlock);
        new Span<ulong>(_zero, BlockCompression.WordsPerBlock).Clear();
    }

    public Argon2Cost Cost { get; }

    public Argon2Instructions Instructions { get; }

    public int HashesAtOnce { get; }

    /// <summary>Whether Linux granted the advice to back the blocks with huge pages.</summary>
    public bool UsesHugePages => _memory.UsesHugePages;

    public string Description => DescribeInstructions(Instructions);

    internal static string DescribeInstructions(Argon2Instructions instructions) =>
        instructions == Argon2Instructions.Avx2 ? "fast (AVX2)" : "fast (scalar)";

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Hash(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, Span<byte> tag, ReadOnlySpan<byte> secret = default, ReadOnlySpan<byte> associatedData = default)
    {
        Run(1, password, default, salt, secret, associatedData, tag, default);
    }

    /// <summary>
    /// Two independent hashes under one salt, computed together in about the time of one and a half (with
    /// <see cref="HashesAtOnce"/> of 2; one after the other otherwise). Each tag is exactly what <see cref="Hash"/> gives.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void HashPair(ReadOnlySpan<byte> password1, ReadOnlySpan<byte> password2, ReadOnlySpan<byte> salt, Span<byte> tag1, Span<byte> tag2)
    {
        if (HashesAtOnce < 2)
        {
            Hash(password1, salt, tag1);
            Hash(password2, salt, tag2);
            return;
        }

        if (tag1.Length != tag2.Length)
        {
            throw new ArgumentException("Both tags of a pair have the same length.", nameof(tag2));
        }

        Run(2, password1, password2, salt, default, default, tag1, tag2);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Run(
        int hashes, ReadOnlySpan<byte> password1, ReadOnlySpan<byte> password2, ReadOnlySpan<byte> salt,
        ReadOnlySpan<byte> secret, ReadOnlySpan<byte> associatedData, Span<byte> tag1, Span<byte> tag2)
    {
        if (salt.Length < 8)
        {
            throw new ArgumentException("Argon2 needs a salt of at least 8 bytes.", nameof(salt));
        }

        if (tag1.Length < 4)
        {
            throw new ArgumentException("Argon2 tags are at least 4 bytes.", nameof(tag1));
        }

        if (Interlocked.Exchange(ref _inUse, 1) != 0)
        {
            throw new InvalidOperationException("This Argon2 engine is already hashing on another thread; each thread needs its own engine.");
        }

        // H0 followed by room for the two little-endian words that make each lane's first blocks.
        Span<byte> seed = stackalloc byte[Blake2b.MaxOutputBytes + 8];
        try
        {
            _ = _memory.Pointer; // throws once disposed; the cached pointers below would dangle
            for (var h = 0; h < hashes; h++)
            {
                InitialHash(seed[..Blake2b.MaxOutputBytes], h == 0 ? password1 : password2, salt, secret, associatedData, tag1.Length);
                FirstBlocks(Memory(h), seed);
            }

            for (var pass = 0; pass < Cost.Iterations; pass++)
            {
                for (var slice = 0; slice < SyncPoints; slice++)
                {
                    for (var lane = 0; lane < Cost.Parallelism; lane++)
                    {
                        FillSegment(pass, slice, lane, hashes);
                    }
                }
            }

            FinalTag(Memory(0), tag1);
            if (hashes == 2)
            {
                FinalTag(Memory(1), tag2);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
            Volatile.Write(ref _inUse, 0);
        }
    }

    /// <summary>Argon2's variable-length hash H' (RFC 9106 §3.3).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void LongHash(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var blake = new Blake2b(Math.Min(output.Length, Blake2b.MaxOutputBytes));
        blake.Update((uint)output.Length);
        blake.Update(input);
        if (output.Length <= Blake2b.MaxOutputBytes)
        {
            blake.Finish(output);
            return;
        }

        // V1..Vr give their first 32 bytes each; the last, V(r+1), gives all of what remains (33 to 64 bytes).
        Span<byte> v = stackalloc byte[Blake2b.MaxOutputBytes];
        blake.Finish(v);
        v[..32].CopyTo(output);
        var written = 32;
        while (output.Length - written > Blake2b.MaxOutputBytes)
        {
            Blake2b.Hash(v, v);
            v[..32].CopyTo(output[written..]);
            written += 32;
        }

        Blake2b.Hash(v, output[written..]);
        CryptographicOperations.ZeroMemory(v);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void InitialHash(
        Span<byte> h0, ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> associatedData, int tagLength)
    {
        var blake = new Blake2b(Blake2b.MaxOutputBytes);
        blake.Update((uint)Cost.Parallelism);
        blake.Update((uint)tagLength);
        blake.Update((uint)Cost.MemoryKiB);
        blake.Update((uint)Cost.Iterations);
        blake.Update(Version);
        blake.Update(TypeArgon2id);
        blake.Update((uint)password.Length);
        blake.Update(password);
        blake.Update((uint)salt.Length);
        blake.Update(salt);
        blake.Update((uint)secret.Length);
        blake.Update(secret);
        blake.Update((uint)associatedData.Length);
        blake.Update(associatedData);
        blake.Finish(h0);
    }

    // B[l][0] = H'(H0 || LE32(0) || LE32(l)) and B[l][1] = H'(H0 || LE32(1) || LE32(l)), for every lane l.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FirstBlocks(ulong* memory, Span<byte> seed)
    {
        for (var lane = 0; lane < Cost.Parallelism; lane++)
        {
            for (var column = 0; column < 2; column++)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(seed[Blake2b.MaxOutputBytes..], (uint)column);
                BinaryPrimitives.WriteUInt32LittleEndian(seed[(Blake2b.MaxOutputBytes + 4)..], (uint)lane);
                var block = Block(memory, (lane * _laneLength) + column);
                LongHash(seed, new Span<byte>(block, BlockBytes));
                FromLittleEndian(block);
            }
        }
    }

    // One segment of every hash, block by block in lockstep: block i of the first hash, then block i of the second.
    // Each hash's next reference is fetched while the rest of the blocks before it are computed.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FillSegment(int pass, int slice, int lane, int hashes)
    {
        // Argon2id: data-independent addresses (Argon2i) for the first half of the first pass, data-dependent after.
        // The addresses depend only on the position, never on the password: one stream serves every hash.
        var independent = pass == 0 && slice < SyncPoints / 2;
        var first = pass == 0 && slice == 0 ? 2 : 0;
        if (independent)
        {
            new Span<ulong>(_addressInput, BlockCompression.WordsPerBlock).Clear();
            _addressInput[0] = (ulong)pass;
            _addressInput[1] = (ulong)lane;
            _addressInput[2] = (ulong)slice;
            _addressInput[3] = (ulong)Cost.Blocks;
            _addressInput[4] = (ulong)Cost.Iterations;
            _addressInput[5] = TypeArgon2id;
            NextAddresses();
        }

        var laneStart = lane * _laneLength;
        var column = (slice * _segmentLength) + first;
        var previousColumn = column == 0 ? _laneLength - 1 : column - 1;
        var references = stackalloc int[MaxHashesAtOnce];
        for (var h = 0; h < hashes; h++)
        {
            var pseudoRandom = independent ? _addresses[first] : Block(Memory(h), laneStart + previousColumn)[0];
            references[h] = Reference(pass, slice, lane, first, pseudoRandom);
        }

        for (var index = first; index < _segmentLength; index++, column++)
        {
            var hasNext = index + 1 < _segmentLength;
            var nextIndependent = 0;
            if (independent && hasNext)
            {
                // Every hash has already taken its reference for this block from the current address block.
                if ((index + 1) % AddressesPerBlock == 0)
                {
                    NextAddresses();
                }

                nextIndependent = Reference(pass, slice, lane, index + 1, _addresses[(index + 1) % AddressesPerBlock]);
            }

            for (var h = 0; h < hashes; h++)
            {
                var memory = Memory(h);
                var current = Block(memory, laneStart + column);
                var previous = Block(memory, laneStart + (column == 0 ? _laneLength - 1 : column - 1));
                var firstWord = BlockCompression.Begin(Instructions, previous, Block(memory, references[h]), current, _state, xorIntoNext: pass != 0);
                if (hasNext)
                {
                    references[h] = independent ? nextIndependent : Reference(pass, slice, lane, index + 1, firstWord);
                    Prefetch(Block(memory, references[h]));
                }

                BlockCompression.End(Instructions, current, _state);
            }
        }
    }

    // RFC 9106 §3.4.2: the reference block for a position, as a block index into a hash's memory.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Reference(int pass, int slice, int lane, int index, ulong pseudoRandom)
    {
        var referenceLane = (pass == 0 && slice == 0) || Cost.Parallelism == 1 ? lane : (int)((uint)(pseudoRandom >> 32) % (uint)Cost.Parallelism);
        var referenceColumn = ReferenceColumn(pass, slice, index, (uint)pseudoRandom, referenceLane == lane);

        // Cannot happen by the arithmetic; checked anyway because the pointer is used without bounds checks.
        if ((uint)referenceColumn >= (uint)_laneLength || (uint)referenceLane >= (uint)Cost.Parallelism)
        {
            throw new InvalidOperationException("Argon2 computed a reference outside its memory.");
        }

        return (referenceLane * _laneLength) + referenceColumn;
    }

    private static void Prefetch(ulong* block)
    {
        if (Sse.IsSupported)
        {
            for (var line = 0; line < BlockBytes; line += 64)
            {
                Sse.Prefetch0((byte*)block + line);
            }
        }
    }

    // J1 picks which block of the set a position may see: the area's size, and where it starts.
    private int ReferenceColumn(int pass, int slice, int index, uint j1, bool sameLane)
    {
        long areaSize = pass == 0
            ? slice == 0 ? index - 1
                : sameLane ? (slice * _segmentLength) + index - 1
                : (slice * _segmentLength) - (index == 0 ? 1 : 0)
            : sameLane ? _laneLength - _segmentLength + index - 1
                : _laneLength - _segmentLength - (index == 0 ? 1 : 0);

        ulong x = j1;
        x = (x * x) >> 32;
        var relative = (ulong)areaSize - 1 - (((ulong)areaSize * x) >> 32);
        var start = pass == 0 || slice == SyncPoints - 1 ? 0 : (slice + 1) * _segmentLength;
        var position = (long)start + (long)relative;
        return (int)(position >= _laneLength ? position - _laneLength : position);
    }

    // The next 128 pseudo-random words for data-independent addressing: G(0, G(0, input)) with input's counter bumped.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void NextAddresses()
    {
        _addressInput[6]++;
        BlockCompression.Compress(Instructions, _zero, _addressInput, _addresses, _state, xorIntoNext: false);
        BlockCompression.Compress(Instructions, _zero, _addresses, _addresses, _state, xorIntoNext: false);
    }

    // C = XOR of every lane's last block; tag = H'(C). The state block is free again by now and holds C.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FinalTag(ulong* memory, Span<byte> tag)
    {
        var final = _state;
        var last = Block(memory, _laneLength - 1);
        for (var k = 0; k < BlockCompression.WordsPerBlock; k++)
        {
            final[k] = last[k];
        }

        for (var lane = 1; lane < Cost.Parallelism; lane++)
        {
            last = Block(memory, (lane * _laneLength) + _laneLength - 1);
            for (var k = 0; k < BlockCompression.WordsPerBlock; k++)
            {
                final[k] ^= last[k];
            }
        }

        ToLittleEndian(final);
        LongHash(new ReadOnlySpan<byte>(final, BlockBytes), tag);
    }

    private ulong* Memory(int hash) => _memories + ((nuint)(uint)hash * (nuint)(uint)Cost.Blocks * BlockCompression.WordsPerBlock);

    private static ulong* Block(ulong* memory, int index) => memory + ((nuint)(uint)index * BlockCompression.WordsPerBlock);

    private static void FromLittleEndian(ulong* block)
    {
        if (!BitConverter.IsLittleEndian)
        {
            var words = new Span<ulong>(block, BlockCompression.WordsPerBlock);
            BinaryPrimitives.ReverseEndianness(words, words);
        }
    }

    private static void ToLittleEndian(ulong* block) => FromLittleEndian(block);

    public void Dispose() => _memory.Dispose();
}
