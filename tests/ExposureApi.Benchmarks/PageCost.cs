using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ExposureApi.Benchmarks;

/// <summary>
/// What first-touching fresh memory costs on this machine: a 19 MiB anonymous mapping, one write per 4 KiB page, then
/// unmapped, against the same writes to pages already touched. The gap is what an Argon2 block on fresh pages pays.
/// </summary>
internal static partial class PageCost
{
    private const int ProtRead = 1, ProtWrite = 2, MapPrivate = 2, MapAnonymous = 0x20, PageSize = 4096;

    public static (double FreshMs, double ReusedMs) Measure(nuint bytes, int rounds)
    {
        var fresh = Stopwatch.StartNew();
        for (var r = 0; r < rounds; r++)
        {
            var block = Map(bytes);
            Touch(block, bytes);
            _ = Unmap(block, bytes);
        }

        var freshMs = fresh.Elapsed.TotalMilliseconds / rounds;
        var reusedBlock = Map(bytes);
        Touch(reusedBlock, bytes);
        var reused = Stopwatch.StartNew();
        for (var r = 0; r < rounds; r++)
        {
            Touch(reusedBlock, bytes);
        }

        var reusedMs = reused.Elapsed.TotalMilliseconds / rounds;
        _ = Unmap(reusedBlock, bytes);
        return (freshMs, reusedMs);
    }

    private static nint Map(nuint bytes)
    {
        var block = Mmap(0, bytes, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        return block == -1 ? throw new InvalidOperationException("mmap failed") : block;
    }

    private static unsafe void Touch(nint block, nuint bytes)
    {
        var p = (byte*)block;
        for (nuint offset = 0; offset < bytes; offset += PageSize)
        {
            p[offset] = 1;
        }
    }

    [LibraryImport("libc", EntryPoint = "mmap")]
    private static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "munmap")]
    private static partial int Unmap(nint address, nuint length);
}
