using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace ExposureApi.Core.Hashing.Argon2;

/// <summary>
/// An engine's blocks: native memory allocated once, kept for the engine's life and wiped when it is freed, so that a
/// hash neither allocates on the GC heap nor touches a page the process has not touched before.
/// </summary>
/// <remarks>
/// On Linux the memory is aligned to 2 MiB and marked <c>MADV_HUGEPAGE</c>: Argon2 reads blocks at random across the
/// whole buffer, and with 4 KiB pages nearly every such read also misses the TLB.
/// </remarks>
internal sealed unsafe partial class Argon2Memory : IDisposable
{
    private const nuint HugePageBytes = 2 * 1024 * 1024;
    private const int MadvHugePage = 14;

    private void* _pointer;

    public Argon2Memory(nuint bytes, bool hugePages)
    {
        ArgumentOutOfRangeException.ThrowIfZero(bytes);
        var useHugePages = hugePages && OperatingSystem.IsLinux() && bytes >= HugePageBytes;
        Length = useHugePages ? (bytes + HugePageBytes - 1) / HugePageBytes * HugePageBytes : bytes;
        _pointer = NativeMemory.AlignedAlloc(Length, useHugePages ? HugePageBytes : 64);

        // Only advice: a kernel without transparent huge pages ignores or refuses it, and 4 KiB pages still work.
        UsesHugePages = useHugePages && Madvise(_pointer, Length, MadvHugePage) == 0;
    }

    public nuint Length { get; }

    public bool UsesHugePages { get; }

    public void* Pointer => _pointer != null ? _pointer : throw new ObjectDisposedException(nameof(Argon2Memory));

    public void Dispose()
    {
        if (_pointer != null)
        {
            CryptographicOperations.ZeroMemory(new Span<byte>(_pointer, checked((int)Math.Min(Length, int.MaxValue))));
            for (var wiped = (nuint)int.MaxValue; wiped < Length; wiped += int.MaxValue)
            {
                CryptographicOperations.ZeroMemory(new Span<byte>((byte*)_pointer + wiped, (int)Math.Min(Length - wiped, int.MaxValue)));
            }

            NativeMemory.AlignedFree(_pointer);
            _pointer = null;
        }

        GC.SuppressFinalize(this);
    }

    ~Argon2Memory() => Dispose();

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(void* address, nuint length, int advice);
}
