namespace ExposureApi.Cli.Infrastructure;

/// <summary>The exit codes of <c>exposure</c>, documented in <c>--help</c> and the README.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>The command line or the configuration is wrong, or an output is in the way.</summary>
    public const int Usage = 1;
    /// <summary>An input file is malformed or missing; the message names the file and line.</summary>
    public const int InvalidInput = 2;
    /// <summary>A hash file or the configuration was made under another hash scheme than the store's.</summary>
    public const int SchemeMismatch = 3;
    /// <summary>The store is damaged, locked, missing something, or cannot be written.</summary>
    public const int StoreError = 4;
    /// <summary>The breach or key named on the command line is not in the store (a key: not active). Nothing was changed.</summary>
    public const int NotFound = 5;
    /// <summary>Interrupted with Ctrl-C or SIGTERM; whatever was under way was rolled back or checkpointed.</summary>
    public const int Cancelled = 130;

    /// <summary>Each code and its meaning, as the root <c>--help</c> lists them.</summary>
    public static readonly IReadOnlyList<(int Code, string Meaning)> All =
    [
        (Ok, "ok"),
        (Usage, "usage: an unknown option, a bad value, an unusable configuration, or an output in the way"),
        (InvalidInput, "invalid input: a dump, hash file or metadata file is malformed or missing (the message names the file and line)"),
        (SchemeMismatch, "scheme mismatch: a hash file or the configuration was made under another hash scheme than the store's"),
        (StoreError, "store error: the store is missing, damaged, locked or cannot be written"),
        (NotFound, "not found: no such breach, or no such active key"),
        (Cancelled, "cancelled (Ctrl-C or SIGTERM): a load was rolled back; a hash run kept its checkpoint for --resume"),
    ];
}
