using ExposureApi.Core.Ingestion;

namespace ExposureApi.Testing;

/// <summary>The secrets every test installation uses: never a real pepper, never the published demo one.</summary>
internal static class TestSecrets
{
    public const string Pepper = "b5940ea59a8096c3d67f1be91ad3008c0b41aebc0b8d1bc8e77072e39a588854";
    public const string Salt = "exposure-test-salt-v1";
}

/// <summary>Files as the tests read and write them.</summary>
internal static class TestFiles
{
    /// <summary>
    /// A file's bytes while another process or connection may still have it open; empty when it is gone, as SQLite's
    /// -wal and -shm files go when the last connection closes, between a listing and a read.
    /// </summary>
    public static byte[] ReadShared(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return [];
        }
    }

    /// <summary>The text of a hash file under <paramref name="scheme"/>: the core's header, then one hash per line.</summary>
    public static string HashFile(string scheme, IReadOnlyCollection<string> hexHashes, bool withCount = true) =>
        HashFileReader.Header(scheme, withCount ? hexHashes.Count : null) + string.Concat(hexHashes.Select(h => h + "\n"));
}

/// <summary>Reports on the caller's thread at once: a test that stops work from a progress report needs no race.</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
