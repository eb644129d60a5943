using System.ComponentModel;
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
