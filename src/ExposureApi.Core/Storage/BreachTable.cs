using System.Reflection;
using System.Text;
using Dapper;

namespace ExposureApi.Core.Storage;

/// <summary>
/// The <c>breaches</c> table: each row is a <see cref="Breach"/>, column for property (<c>breach_date</c> for
/// <c>BreachDate</c>), so a new field is the record's property and the migration that adds its column.
/// </summary>
public sealed class BreachTable
{
    // Every property of the record is a column of the same name in snake_case: the insert and the update are built
    // from the record once, so they can never leave a field behind.
    private static readonly string[] Columns = [.. typeof(Breach).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => SnakeCase(p.Name))];
    private static readonly string[] Parameters = [.. typeof(Breach).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => "@" + p.Name)];

    private static readonly string UpsertSql =
        $"""
        INSERT INTO breaches ({string.Join(", ", Columns)})
        VALUES ({string.Join(", ", Parameters)})
        ON CONFLICT (name) DO UPDATE SET {string.Join(", ", Columns.Where(c => c is not ("name" or "added_date")).Select(c => $"{c} = excluded.{c}"))};
        """;

    private readonly StoreDatabase _database;

    internal BreachTable(StoreDatabase database) => _database = database;

    /// <summary>Every breach, oldest first; retired ones only when asked.</summary>
    public async Task<IReadOnlyList<Breach>> ListAsync(bool includeRetired, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<Breach>(new CommandDefinition(
            "SELECT * FROM breaches WHERE @includeRetired OR is_retired = 0 ORDER BY breach_date, name;",
            new { includeRetired }, cancellationToken: cancellationToken))];
    }

    /// <summary>The breach called <paramref name="name"/> (case-insensitive), or null.</summary>
    public async Task<Breach?> GetAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Breach>(new CommandDefinition(
            "SELECT * FROM breaches WHERE name = @name;", new { name }, cancellationToken: cancellationToken));
    }

    /// <summary>Every data class named by a breach that is not retired, sorted.</summary>
    public async Task<IReadOnlyList<string>> ListDataClassesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT DISTINCT j.value FROM breaches b, json_each(b.data_classes) j WHERE b.is_retired = 0 ORDER BY j.value;",
            cancellationToken: cancellationToken))];
    }

    /// <summary>Adds a breach, or replaces the metadata of the one with the same name. Returns true when it was added.</summary>
    public async Task<bool> UpsertAsync(Breach breach, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(breach);
        await using var connection = await _database.OpenAsync(cancellationToken);
        var now = DateTimeOffset.UtcNow;
        var row = breach with
        {
            AddedDate = breach.AddedDate == default ? now : breach.AddedDate,
            ModifiedDate = breach.ModifiedDate == default ? now : breach.ModifiedDate,
        };
        var existed = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM breaches WHERE name = @Name;", new { row.Name }, cancellationToken: cancellationToken)) > 0;
        await connection.ExecuteAsync(new CommandDefinition(UpsertSql, row, cancellationToken: cancellationToken));
        return !existed;
    }

    /// <summary>Marks a breach retired: kept for the record, no longer reported by checks. Returns false when there is no such breach.</summary>
    public async Task<bool> RetireAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE breaches SET is_retired = 1, modified_date = @now WHERE name = @name;",
            new { name, now = DateTimeOffset.UtcNow }, cancellationToken: cancellationToken)) > 0;
    }

    private static string SnakeCase(string name)
    {
        var result = new StringBuilder(name.Length + 4);
        foreach (var c in name)
        {
            if (char.IsUpper(c) && result.Length > 0)
            {
                result.Append('_');
            }

            result.Append(char.ToLowerInvariant(c));
        }

        return result.ToString();
    }
}
