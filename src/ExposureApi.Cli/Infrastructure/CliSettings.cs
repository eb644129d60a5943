using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ExposureApi.Cli.Infrastructure;

/// <summary>The option every command takes: which configuration.</summary>
internal class ConfigSettings : CommandSettings
{
    [CommandOption("--config <FILE>")]
    [Description("A JSON settings file (the web host's format), read after ./appsettings.json and before environment variables.")]
    public string? ConfigFile { get; init; }
}

/// <summary>The options of every command that opens the store: which configuration and which store.</summary>
internal class CliSettings : ConfigSettings
{
    [CommandOption("--db <PATH>")]
    [Description("The store file; overrides Exposure:Store:Path.")]
    public string? Database { get; init; }
}

/// <summary>The options of a command that opens the store and reports what it found or did.</summary>
internal class ReportSettings : CliSettings
{
    [CommandOption("--json")]
    [Description("Write the result as one JSON document on standard output (fields in docs/operations.md); messages go to standard error.")]
    public bool Json { get; init; }
}

/// <summary>How often a long command writes a progress line when standard error is not a terminal.</summary>
internal static class ProgressOption
{
    public const string Template = "--progress-interval <SECONDS>";

    public const double DefaultSeconds = 5;

    public const string Description = "When standard error is not a terminal, write a progress line at most this often (default 5 seconds).";

    public static ValidationResult Validate(double seconds) =>
        seconds is > 0 and <= 86_400 ? ValidationResult.Success() : ValidationResult.Error("--progress-interval takes seconds, more than 0 and at most 86400.");
}
