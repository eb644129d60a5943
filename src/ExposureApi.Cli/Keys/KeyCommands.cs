using System.ComponentModel;
using System.Globalization;
using ExposureApi.Cli.Infrastructure;
using ExposureApi.Core.Keys;
using ExposureApi.Core.Storage;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ExposureApi.Cli.Keys;

internal sealed class KeyAddSettings : CliSettings
{
    [CommandArgument(0, "<NAME>")]
    [Description("A name for the partner or application the key is for.")]
    public string Name { get; init; } = "";

    [CommandOption("--scopes <SCOPES>")]
    [Description("Comma-separated: check, check:sensitive, admin. Default: check.")]
    public string Scopes { get; init; } = ApiScopes.Check;

    [CommandOption("--rate <N/min>")]
    [Description("Checks per minute allowed for this key (a batch counts each number). Default: 600/min.")]
    public string Rate { get; init; } = "600/min";

    public IReadOnlyList<string> ParsedScopes => ApiScopes.Parse(Scopes);

    // The rules and their messages are the core's: the CLI only names the option.
    public override ValidationResult Validate() =>
        !Core.Names.IsValid(Name) ? ValidationResult.Error($"<NAME> '{Name}' is not a valid key name: {Core.Names.Rule}.")
        : ApiKeyStore.ParseRate(Rate) is null ? ValidationResult.Error($"--rate: {ApiKeyStore.RateRule}")
        : ApiScopes.Problem(ParsedScopes) is { } problem ? ValidationResult.Error($"--scopes: {problem}")
        : ValidationResult.Success();
}

internal sealed class KeyNameSettings : CliSettings
{
    [CommandArgument(0, "<NAME>")]
    [Description("The key's name.")]
    public string Name { get; init; } = "";
}

[Description("Issue an API key. The key is printed once and never stored: only its SHA-256 is.")]
internal sealed class KeyAddCommand(CliOutput output) : AsyncCommand<KeyAddSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, KeyAddSettings settings, CancellationToken cancellationToken)
    {
        var store = CliConfiguration.Load(settings).Store();
        StoreGuard.RequireExisting(store);
        try
        {
            var (key, secret) = await new ApiKeyStore(store).IssueAsync(settings.Name, settings.ParsedScopes, ApiKeyStore.ParseRate(settings.Rate)!.Value, cancellationToken);
            output.Result.MarkupLineInterpolated($"Issued key [green]{key.Name}[/] (scopes {string.Join(", ", key.Scopes)}, {key.RatePerMinute}/min). Store it now; it cannot be shown again:");
            output.Result.WriteLine(secret);
            return ExitCodes.Ok;
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
    }
}

[Description("List API keys: name, prefix, scopes, rate, created, last used, revoked. Never the keys themselves.")]
internal sealed class KeyListCommand(CliOutput output) : AsyncCommand<ReportSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ReportSettings settings, CancellationToken cancellationToken)
    {
        var store = CliConfiguration.Load(settings).Store();
        StoreGuard.RequireExisting(store);
        var keys = await new ApiKeyStore(store).ListAsync(cancellationToken);
        if (settings.Json)
        {
            output.WriteJson(keys.Select(k => new KeySummary(k.Name, k.Prefix, k.Scopes, k.RatePerMinute, k.CreatedAt, k.LastUsedAt, k.RevokedAt)));
            return ExitCodes.Ok;
        }

        var table = new Table().AddColumns("Name", "Prefix", "Scopes", "Rate", "Created", "Last used", "Revoked");
        foreach (var key in keys)
        {
            table.AddRow(Markup.Escape(key.Name), key.Prefix + "…", string.Join(" ", key.Scopes), $"{key.RatePerMinute}/min",
                Format(key.CreatedAt), Format(key.LastUsedAt), Format(key.RevokedAt));
        }

        output.Result.Write(table);
        return ExitCodes.Ok;
    }

    /// <summary>One key as <c>keys list --json</c> writes it; docs/operations.md documents the fields. Never the key itself.</summary>
    internal sealed record KeySummary(
        string Name, string Prefix, IReadOnlyList<string> Scopes, int RatePerMinute, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);

    private static string Format(DateTimeOffset? at) => at?.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture) ?? "";
}

[Description("Revoke an API key. Running servers refuse it from their next request.")]
internal sealed class KeyRevokeCommand(CliOutput output) : AsyncCommand<KeyNameSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, KeyNameSettings settings, CancellationToken cancellationToken)
    {
        var store = CliConfiguration.Load(settings).Store();
        StoreGuard.RequireExisting(store);
        if (!await new ApiKeyStore(store).RevokeAsync(settings.Name, cancellationToken))
        {
            throw new NotInStoreException($"There is no active key named '{settings.Name}'.");
        }

        output.Result.MarkupLineInterpolated($"Revoked key [green]{settings.Name}[/].");
        return ExitCodes.Ok;
    }
}
