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
    public static string Describe(Breach b) => string.Join(" ", Names(b));

    public static IReadOnlyList<string> Names(Breach b) =>
    [
        .. new[]
        {
            b.IsVerified ? "verified" : null, b.IsFabricated ? "fabricated" : null, b.IsSensitive ? "sensitive" : null,
            b.IsRetired ? "retired" : null, b.IsSpamList ? "spam-list" : null, b.IsMalware ? "malware" : null,
        }.OfType<string>(),
    ];
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
internal abstract class BreachWriteCommand(CliOutput output, bool mustExist) : AsyncCommand<BreachFileSettings>
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
                throw mustExist
                    ? new NotInStoreException($"{settings.File}: there is no breach named '{breach.Name}'; add it with 'exposure breach add'.")
                    : new FormatException($"{settings.File}: a breach named '{breach.Name}' already exists; change it with 'exposure breach update'.");
            }
        }

        foreach (var breach in breaches)
        {
            await store.Breaches.UpsertAsync(mustExist ? breach with { ModifiedDate = breach.ModifiedDate == default ? DateTimeOffset.UtcNow : breach.ModifiedDate } : breach, cancellationToken);
            output.Result.MarkupLineInterpolated($"{(mustExist ? "Updated" : "Added")} breach [green]{breach.Name}[/].");
        }

        return ExitCodes.Ok;
    }
}

[Description("Add the breaches described in FILE.json. Fails, changing nothing, if any of them exists.")]
internal sealed class BreachAddCommand(CliOutput output) : BreachWriteCommand(output, mustExist: false);

[Description("Replace the metadata of the breaches described in FILE.json. Fails, changing nothing, if any of them does not exist.")]
internal sealed class BreachUpdateCommand(CliOutput output) : BreachWriteCommand(output, mustExist: true);

[Description("List every breach, retired ones included. With --json, the v1 API's breach objects, which breach add and update read back.")]
internal sealed class BreachListCommand(CliOutput output) : AsyncCommand<ReportSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ReportSettings settings, CancellationToken cancellationToken)
    {
        var store = CliConfiguration.Load(settings).Store();
        StoreGuard.RequireExisting(store);
        var breaches = await store.Breaches.ListAsync(includeRetired: true, cancellationToken);
        if (settings.Json)
        {
            // The v1 API's breach objects, which 'exposure breach add' and 'update' read back.
            output.WriteJson(breaches);
            return ExitCodes.Ok;
        }

        var table = new Table().AddColumns("Name", "Title", "Date", "PwnCount", "Data classes", "Flags");
        foreach (var b in breaches)
        {
            var flags = BreachFlags.Describe(b);
            table.AddRow(Markup.Escape(b.Name), Markup.Escape(b.Title), b.BreachDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), b.PwnCount.ToString("N0", CultureInfo.InvariantCulture), Markup.Escape(string.Join(", ", b.DataClasses)), flags);
        }

        output.Result.Write(table);
        return ExitCodes.Ok;
    }
}

[Description("Retire a breach: it stays in the store but checks no longer report it.")]
internal sealed class BreachRetireCommand(CliOutput output) : AsyncCommand<BreachNameSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, BreachNameSettings settings, CancellationToken cancellationToken)
    {
        var store = CliConfiguration.Load(settings).Store();
        StoreGuard.RequireExisting(store);
        if (!await store.Breaches.RetireAsync(settings.Name, cancellationToken))
        {
            throw new NotInStoreException($"There is no breach named '{settings.Name}'.");
        }

        output.Result.MarkupLineInterpolated($"Retired breach [green]{settings.Name}[/]; checks no longer report it.");
        return ExitCodes.Ok;
    }
}
