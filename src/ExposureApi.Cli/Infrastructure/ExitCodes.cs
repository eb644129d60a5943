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
    /// <summary>Interrupted with Ctrl-C or SIGTERM; whatever was under way was rolled back or checkpointed.</summary>
    public const int Cancelled = 130;

    public const string Help = "Exit codes: 0 ok, 1 usage or configuration, 2 invalid input, 3 scheme mismatch, 4 store error, 130 cancelled.";
}
