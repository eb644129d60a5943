using System.ComponentModel;
using System.Globalization;
using ExposureApi.Cli.Infrastructure;
using ExposureApi.Core.Ingestion;
using ExposureApi.Core.Storage;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ExposureApi.Cli.Breaches;

/// <summary>A breach's flags as the CLI's tables show them: the names of those that are set.</summary>
internal static class BreachFlags
{
    public static string Describe(Breach b) => string.Join(" ", new[]
    {
        b.IsVerified ? "verified" : null, b.IsFabricated ? "fabricated" : null, b.IsSensitive ? "sensitive" : null,
        b.IsRetired ? "retired" : null, b.IsSpamList ? "spam-list" : null, b.IsMalware ? "malware" : null,
    }.OfType<string>());
}

internal sealed class BreachFileSettings : CliSettings
{
    [CommandArgument(0, "<FILE.json>")]
    [Description("Breach metadata: one object or an array, with HIBP's field names (Name, Title, Domain, BreachDate, PwnCount, Description, DataClasses, IsVerified, IsSensitive, …).")]
    public string File { get; init; } = "";
}

internal sealed class BreachNameSettings : CliSettings
{
    [CommandArgument(0, "<NAME>")]
    [Description("The breach's name.")]
    public string Name { get; init; } = "";
}

/// <summary>Reading a metadata file and writing it is shared by add and update; they differ in which names may exist.</summary>
internal abstract class BreachWriteCommand(IAnsiConsole console, bool mustExist) : AsyncCommand<BreachFileSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, BreachFileSettings settings, CancellationToken cancellationToken)
    {
        var store = CliConfiguration.Load(settings).Store();
        StoreGuard.RequireExisting(store);
        if (!File.Exists(settings.File))
        {
            throw new FileNotFoundException($"The file '{settings.File}' does not exist.", settings.File);
        }

        IReadOnlyList<Breach> breaches;
        await using (var json = File.OpenRead(settings.File))
        {
            breaches = BreachMetadataFile.Read(json, settings.File);
        }

        // Check every breach before writing any, so a wrong name leaves the store as it was.
        foreach (var breach in breaches)
        {
            var exists = await store.Breaches.GetAsync(breach.Name, cancellationToken) is not null;
            if (exists != mustExist)
            {
                throw new FormatException(mustExist
                    ? $"{settings.File}: there is no breach named '{breach.Name}'; add it with 'exposure breach add'."
                    : $"{settings.File}: a breach named '{breach.Name}' already exists; change it with 'exposure breach update'.");
            }
        }

        foreach (var breach in breaches)
        {
            await store.Breaches.UpsertAsync(mustExist ? breach with { ModifiedDate = breach.ModifiedDate == default ? DateTimeOffset.UtcNow : breach.ModifiedDate } : breach, cancellationToken);
            console.MarkupLineInterpolated($"{(mustExist ? "Updated" : "Added")} breach [green]{breach.Name}[/].");
        }

        return ExitCodes.Ok;
    }
}

[Description("Add the breaches described in FILE.json. Fails, changing nothing, if any of them exists.")]
internal sealed class BreachAddCommand(IAnsiConsole console) : BreachWriteCommand(console, mustExist: false);

[Description("Replace the metadata of the breaches described in FILE.json. Fails, changing nothing, if any of them does not exist.")]
internal sealed class BreachUpdateCommand(IAnsiConsole console) : BreachWriteCommand(console, mustExist: true);

[Description("List every breach, retired ones included.")]
internal sealed class BreachListCommand(IAnsiConsole console) : AsyncCommand<CliSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, CliSettings settings, CancellationToken cancellationToken)
    {
        var store = CliConfiguration.Load(settings).Store();
        StoreGuard.RequireExisting(store);
        var table = new Table().AddColumns("Name", "Title", "Date", "PwnCount", "Data classes", "Flags");
        foreach (var b in await store.Breaches.ListAsync(includeRetired: true, cancellationToken))
        {
            var flags = BreachFlags.Describe(b);
            table.AddRow(Markup.Escape(b.Name), Markup.Escape(b.Title), b.BreachDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), b.PwnCount.ToString("N0", CultureInfo.InvariantCulture), Markup.Escape(string.Join(", ", b.DataClasses)), flags);
        }

        console.Write(table);
        return ExitCodes.Ok;
    }
}

[Description("Retire a breach: it stays in the store but checks no longer report it.")]
internal sealed class BreachRetireCommand(IAnsiConsole console) : AsyncCommand<BreachNameSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, BreachNameSettings settings, CancellationToken cancellationToken)
    {
        var store = CliConfiguration.Load(settings).Store();
        StoreGuard.RequireExisting(store);
        if (!await store.Breaches.RetireAsync(settings.Name, cancellationToken))
        {
            throw new FormatException($"There is no breach named '{settings.Name}'.");
        }

        console.MarkupLineInterpolated($"Retired breach [green]{settings.Name}[/]; checks no longer report it.");
        return ExitCodes.Ok;
    }
}
