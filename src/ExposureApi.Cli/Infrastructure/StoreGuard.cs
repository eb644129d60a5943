using ExposureApi.Core.Storage;

namespace ExposureApi.Cli.Infrastructure;

internal static class StoreGuard
{
    /// <summary>Commands that read a store must not create an empty one by opening a mistyped path.</summary>
    public static void RequireExisting(ExposureStore store)
    {
        if (!File.Exists(store.Path))
        {
            throw new StoreException($"There is no store at '{store.Path}'; create one with 'exposure init', or point --db at it.");
        }
    }
}

/// <summary>The command line asks for something that cannot be done as asked; nothing was changed.</summary>
internal sealed class UsageException(string message) : Exception(message);
