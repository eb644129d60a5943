using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ExposureApi.Core.Hashing.Argon2;

/// <summary>The instruction set an engine runs Argon2's compression function G on.</summary>
public enum Argon2Instructions
{
    /// <summary>Portable 64-bit code: correct on every machine .NET runs on.</summary>
    Scalar,

    /// <summary>256-bit vectors, four 64-bit words per instruction (x86-64 with AVX2).</summary>
    Avx2,
}

/// <summary>
/// Argon2's compression function G (RFC 9106 §3.5) over 1 KiB blocks of 128 little-endian 64-bit words:
/// <c>next = P(prev ⊕ ref) ⊕ prev ⊕ ref</c>, also XORed with the old <c>next</c> on passes after the first.
/// </summary>
/// <remarks>
/// <para>P is BLAKE2b's round with each addition <c>a + b</c> replaced by BlaMka's <c>a + b + 2·lo32(a)·lo32(b)</c>,
/// applied to the block as an 8×8 matrix of 16-byte registers: first to each row (words 16r..16r+15 in order), then
/// to each column c (words 2c and 2c+1 of every row).</para>
/// <para>The callers guarantee what the pointers cannot: every pointer addresses a whole block inside the engine's
/// memory, <c>next</c> is neither <c>prev</c> nor <c>ref</c> (Argon2 never references the block being written or its
/// predecessor), and <c>scratch</c> is a block of its own.</para>
/// </remarks>
internal static unsafe class BlockCompression
{
    public const int WordsPerBlock = 128;

    public static Argon2Instructions Best => Avx2.IsSupported ? Argon2Instructions.Avx2 : Argon2Instructions.Scalar;

    public static bool IsSupported(Argon2Instructions instructions) => instructions switch
    {
        Argon2Instructions.Scalar => true,
        Argon2Instructions.Avx2 => Avx2.IsSupported,
        _ => false,
    };

    public static void Compress(Argon2Instructions instructions, ulong* prev, ulong* reference, ulong* next, ulong* scratch, bool xorIntoNext)
    {
        _ = Begin(instructions, prev, reference, next, scratch, xorIntoNext);
        End(instructions, next, scratch);
    }

    /// <summary>
    /// The first part of G: everything the output's first word depends on, which it returns. That word picks the
    /// next block's reference in data-dependent addressing, so the caller can start fetching that block from memory
    /// while <see cref="End"/> computes the rest.
    /// </summary>
    public static ulong Begin(Argon2Instructions instructions, ulong* prev, ulong* reference, ulong* next, ulong* scratch, bool xorIntoNext) =>
        instructions == Argon2Instructions.Avx2
            ? BeginAvx2(prev, reference, next, scratch, xorIntoNext)
            : BeginScalar(prev, reference, next, scratch, xorIntoNext);

    /// <summary>The rest of G after <see cref="Begin"/>: <c>next</c> holds the whole result afterwards.</summary>
    public static void End(Argon2Instructions instructions, ulong* next, ulong* scratch)
    {
        if (instructions == Argon2Instructions.Avx2)
        {
            EndAvx2(next, scratch);
        }
        else
        {
            EndScalar(next, scratch);
        }
    }

    // ---- AVX2 --------------------------------------------------------------------------------------------------
    // A block is 32 vectors of four words; row r is vectors 4r..4r+3, so one vector holds a quarter of a row.
    // Rows go two at a time, interleaved so that one row's dependency chain fills the other's latency. Columns also
    // go two at a time: vectors i, 4+i, ..., 28+i hold columns 2i (low 128 bits) and 2i+1 (high 128 bits), arranged
    // so that P's column step is lane-wise and only its diagonal step needs word moves within 128-bit lanes.

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ulong BeginAvx2(ulong* prev, ulong* reference, ulong* next, ulong* scratch, bool xorIntoNext)
    {
        var p = (Vector256<ulong>*)prev;
        var r = (Vector256<ulong>*)reference;
        var n = (Vector256<ulong>*)next;
        var s = (Vector256<ulong>*)scratch;

        // scratch = R = prev ^ ref, the state P works on; next = R (^ old next), what P's output is XORed onto.
        for (var k = 0; k < 32; k++)
        {
            var x = p[k] ^ r[k];
            s[k] = x;
            n[k] = xorIntoNext ? n[k] ^ x : x;
        }

        for (var i = 0; i < 4; i++)
        {
            var v = s + (8 * i);
            RowPair(ref v[0], ref v[1], ref v[2], ref v[3], ref v[4], ref v[5], ref v[6], ref v[7]);
        }

        // Columns 0 and 1 finish the output's first four words.
        ColumnPair(ref s[0], ref s[4], ref s[8], ref s[12], ref s[16], ref s[20], ref s[24], ref s[28]);
        return next[0] ^ scratch[0];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void EndAvx2(ulong* next, ulong* scratch)
    {
        var n = (Vector256<ulong>*)next;
        var s = (Vector256<ulong>*)scratch;
        for (var i = 1; i < 4; i++)
        {
            var v = s + i;
            ColumnPair(ref v[0], ref v[4], ref v[8], ref v[12], ref v[16], ref v[20], ref v[24], ref v[28]);
        }

        for (var k = 0; k < 32; k++)
        {
            n[k] ^= s[k];
        }
    }

    // Two rows: (a0, b0, c0, d0) is words 0-3, 4-7, 8-11, 12-15 of one row, (a1, b1, c1, d1) of the next.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowPair(
        ref Vector256<ulong> a0, ref Vector256<ulong> b0, ref Vector256<ulong> c0, ref Vector256<ulong> d0,
        ref Vector256<ulong> a1, ref Vector256<ulong> b1, ref Vector256<ulong> c1, ref Vector256<ulong> d1)
    {
        var (xa0, xb0, xc0, xd0, xa1, xb1, xc1, xd1) = (a0, b0, c0, d0, a1, b1, c1, d1);
        Mix(ref xa0, ref xb0, ref xc0, ref xd0, ref xa1, ref xb1, ref xc1, ref xd1);

        // Diagonals: rotate b, c and d left by one, two and three words, so that lane j holds v[j], v[4+(j+1)%4], ...
        xb0 = Avx2.Permute4x64(xb0, 0b00_11_10_01);
        xc0 = Avx2.Permute4x64(xc0, 0b01_00_11_10);
        xd0 = Avx2.Permute4x64(xd0, 0b10_01_00_11);
        xb1 = Avx2.Permute4x64(xb1, 0b00_11_10_01);
        xc1 = Avx2.Permute4x64(xc1, 0b01_00_11_10);
        xd1 = Avx2.Permute4x64(xd1, 0b10_01_00_11);
        Mix(ref xa0, ref xb0, ref xc0, ref xd0, ref xa1, ref xb1, ref xc1, ref xd1);

        (a0, b0, c0, d0) = (xa0, Avx2.Permute4x64(xb0, 0b10_01_00_11), Avx2.Permute4x64(xc0, 0b01_00_11_10), Avx2.Permute4x64(xd0, 0b00_11_10_01));
        (a1, b1, c1, d1) = (xa1, Avx2.Permute4x64(xb1, 0b10_01_00_11), Avx2.Permute4x64(xc1, 0b01_00_11_10), Avx2.Permute4x64(xd1, 0b00_11_10_01));
    }

    // Columns 2i and 2i+1: a0 holds (v0, v1) of each, a1 (v2, v3), b0 (v4, v5), b1 (v6, v7), and so on to d1 (v14, v15).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ColumnPair(
        ref Vector256<ulong> a0, ref Vector256<ulong> a1, ref Vector256<ulong> b0, ref Vector256<ulong> b1,
        ref Vector256<ulong> c0, ref Vector256<ulong> c1, ref Vector256<ulong> d0, ref Vector256<ulong> d1)
    {
        var (xa0, xb0, xc0, xd0, xa1, xb1, xc1, xd1) = (a0, b0, c0, d0, a1, b1, c1, d1);
        Mix(ref xa0, ref xb0, ref xc0, ref xd0, ref xa1, ref xb1, ref xc1, ref xd1);

        // Diagonals: b0 (v5, v6), b1 (v7, v4); c0 (v10, v11), c1 (v8, v9); d0 (v15, v12), d1 (v13, v14).
        (xb0, xb1) = (SwapWords(Blend13(xb1, xb0)), SwapWords(Blend13(xb0, xb1)));
        (xc0, xc1) = (xc1, xc0);
        (xd0, xd1) = (SwapWords(Blend13(xd0, xd1)), SwapWords(Blend13(xd1, xd0)));
        Mix(ref xa0, ref xb0, ref xc0, ref xd0, ref xa1, ref xb1, ref xc1, ref xd1);

        // And back: b0 (v4, v5), b1 (v6, v7); c0 (v8, v9), c1 (v10, v11); d0 (v12, v13), d1 (v14, v15).
        (xb0, xb1) = (SwapWords(Blend13(xb0, xb1)), SwapWords(Blend13(xb1, xb0)));
        (xc0, xc1) = (xc1, xc0);
        (xd0, xd1) = (SwapWords(Blend13(xd1, xd0)), SwapWords(Blend13(xd0, xd1)));

        (a0, b0, c0, d0, a1, b1, c1, d1) = (xa0, xb0, xc0, xd0, xa1, xb1, xc1, xd1);
    }

    // Words 0 and 2 from x, words 1 and 3 from y.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Blend13(Vector256<ulong> x, Vector256<ulong> y) =>
        Avx2.Blend(x.AsUInt32(), y.AsUInt32(), 0b1100_1100).AsUInt64();

    // Swaps the two words of each 128-bit lane (an in-lane shuffle: cheaper than a cross-lane permute).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> SwapWords(Vector256<ulong> x) => Avx2.Shuffle(x.AsUInt32(), 0b01_00_11_10).AsUInt64();

    // BLAKE2b's G with BlaMka, on two independent sets of four lanes.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Mix(
        ref Vector256<ulong> a0, ref Vector256<ulong> b0, ref Vector256<ulong> c0, ref Vector256<ulong> d0,
        ref Vector256<ulong> a1, ref Vector256<ulong> b1, ref Vector256<ulong> c1, ref Vector256<ulong> d1)
    {
        a0 = BlaMka(a0, b0); a1 = BlaMka(a1, b1);
        d0 = RotateRight32(d0 ^ a0); d1 = RotateRight32(d1 ^ a1);
        c0 = BlaMka(c0, d0); c1 = BlaMka(c1, d1);
        b0 = RotateRight24(b0 ^ c0); b1 = RotateRight24(b1 ^ c1);
        a0 = BlaMka(a0, b0); a1 = BlaMka(a1, b1);
        d0 = RotateRight16(d0 ^ a0); d1 = RotateRight16(d1 ^ a1);
        c0 = BlaMka(c0, d0); c1 = BlaMka(c1, d1);
        b0 = RotateRight63(b0 ^ c0); b1 = RotateRight63(b1 ^ c1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> BlaMka(Vector256<ulong> x, Vector256<ulong> y)
    {
        var product = Avx2.Multiply(x.AsUInt32(), y.AsUInt32());
        return x + y + product + product;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> RotateRight32(Vector256<ulong> x) => Avx2.Shuffle(x.AsUInt32(), 0b10_11_00_01).AsUInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> RotateRight24(Vector256<ulong> x) => Avx2.Shuffle(x.AsByte(), Vector256.Create(
        (byte)3, 4, 5, 6, 7, 0, 1, 2, 11, 12, 13, 14, 15, 8, 9, 10, 3, 4, 5, 6, 7, 0, 1, 2, 11, 12, 13, 14, 15, 8, 9, 10)).AsUInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> RotateRight16(Vector256<ulong> x) => Avx2.Shuffle(x.AsByte(), Vector256.Create(
        (byte)2, 3, 4, 5, 6, 7, 0, 1, 10, 11, 12, 13, 14, 15, 8, 9, 2, 3, 4, 5, 6, 7, 0, 1, 10, 11, 12, 13, 14, 15, 8, 9)).AsUInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> RotateRight63(Vector256<ulong> x) => Avx2.ShiftRightLogical(x, 63) ^ (x + x);

    // ---- Scalar ------------------------------------------------------------------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ulong BeginScalar(ulong* prev, ulong* reference, ulong* next, ulong* scratch, bool xorIntoNext)
    {
        var s = scratch;
        for (var k = 0; k < WordsPerBlock; k++)
        {
            var x = prev[k] ^ reference[k];
            s[k] = x;
            next[k] = xorIntoNext ? next[k] ^ x : x;
        }

        for (var row = 0; row < 8; row++)
        {
            var v = s + (16 * row);
            Round(ref v[0], ref v[1], ref v[2], ref v[3], ref v[4], ref v[5], ref v[6], ref v[7],
                  ref v[8], ref v[9], ref v[10], ref v[11], ref v[12], ref v[13], ref v[14], ref v[15]);
        }

        Column(s, 0);
        return next[0] ^ s[0];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void EndScalar(ulong* next, ulong* scratch)
    {
        for (var column = 1; column < 8; column++)
        {
            Column(scratch, column);
        }

        for (var k = 0; k < WordsPerBlock; k++)
        {
            next[k] ^= scratch[k];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Column(ulong* s, int column)
    {
        var v = s + (2 * column);
        Round(ref v[0], ref v[1], ref v[16], ref v[17], ref v[32], ref v[33], ref v[48], ref v[49],
              ref v[64], ref v[65], ref v[80], ref v[81], ref v[96], ref v[97], ref v[112], ref v[113]);
    }

    // The sixteen words are copied into locals and back: through pointers the JIT would load and store at every step.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(
        ref ulong r0, ref ulong r1, ref ulong r2, ref ulong r3, ref ulong r4, ref ulong r5, ref ulong r6, ref ulong r7,
        ref ulong r8, ref ulong r9, ref ulong r10, ref ulong r11, ref ulong r12, ref ulong r13, ref ulong r14, ref ulong r15)
    {
        var (v0, v1, v2, v3, v4, v5, v6, v7) = (r0, r1, r2, r3, r4, r5, r6, r7);
        var (v8, v9, v10, v11, v12, v13, v14, v15) = (r8, r9, r10, r11, r12, r13, r14, r15);
        Mix(ref v0, ref v4, ref v8, ref v12);
        Mix(ref v1, ref v5, ref v9, ref v13);
        Mix(ref v2, ref v6, ref v10, ref v14);
        Mix(ref v3, ref v7, ref v11, ref v15);
        Mix(ref v0, ref v5, ref v10, ref v15);
        Mix(ref v1, ref v6, ref v11, ref v12);
        Mix(ref v2, ref v7, ref v8, ref v13);
        Mix(ref v3, ref v4, ref v9, ref v14);
        (r0, r1, r2, r3, r4, r5, r6, r7) = (v0, v1, v2, v3, v4, v5, v6, v7);
        (r8, r9, r10, r11, r12, r13, r14, r15) = (v8, v9, v10, v11, v12, v13, v14, v15);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Mix(ref ulong a, ref ulong b, ref ulong c, ref ulong d)
    {
        a = BlaMka(a, b);
        d = BitOperations.RotateRight(d ^ a, 32);
        c = BlaMka(c, d);
        b = BitOperations.RotateRight(b ^ c, 24);
        a = BlaMka(a, b);
        d = BitOperations.RotateRight(d ^ a, 16);
        c = BlaMka(c, d);
        b = BitOperations.RotateRight(b ^ c, 63);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong BlaMka(ulong x, ulong y) => x + y + (2 * (ulong)(uint)x * (uint)y);
}
