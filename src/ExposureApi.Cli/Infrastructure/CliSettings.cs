using System.ComponentModel;
using Spectre.Console.Cli;

namespace ExposureApi.Cli.Infrastructure;

/// <summary>Options every command takes: which configuration and which store.</summary>
internal class CliSettings : CommandSettings
{
    [CommandOption("--config <FILE>")]
    [Description("A JSON settings file (the web host's format), read after ./appsettings.json and before environment variables.")]
    public string? ConfigFile { get; init; }

    [CommandOption("--db <PATH>")]
    [Description("The store file; overrides Exposure:Store:Path.")]
    public string? Database { get; init; }
}
