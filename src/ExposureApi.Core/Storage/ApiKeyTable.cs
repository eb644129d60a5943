using System.Globalization;
using Dapper;
using ExposureApi.Core.Keys;

namespace ExposureApi.Core.Storage;

/// <summary>The <c>api_keys</c> table: partner keys by name, with the SHA-256 of each secret, never the secret.</summary>
public sealed class ApiKeyTable
{
    private const string Columns =
        "id AS Id, name AS Name, key_prefix AS Prefix, scopes AS Scopes, rate_per_minute AS RatePerMinute, created_at AS CreatedAt, last_used_at AS LastUsedAt, revoked_at AS RevokedAt";

    private readonly StoreDatabase _database;

    internal ApiKeyTable(StoreDatabase database) => _database = database;

    /// <summary>Adds a key; returns its id, or null when the name is taken.</summary>
    public async Task<long?> InsertAsync(string name, string prefix, byte[] digest, IReadOnlyList<string> scopes, int ratePerMinute, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        try
        {
            return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                """
                INSERT INTO api_keys (name, key_prefix, key_sha256, scopes, rate_per_minute, created_at)
                VALUES (@name, @prefix, @digest, @scopes, @ratePerMinute, @createdAt) RETURNING id;
                """,
                new { name, prefix, digest, scopes = string.Join(' ', scopes), ratePerMinute, createdAt },
                cancellationToken: cancellationToken));
        }
        catch (Microsoft.Data.Sqlite.SqliteException e) when (e.SqliteErrorCode == 19)
        {
            return null; // UNIQUE (name)
        }
    }

    public async Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return [.. (await connection.QueryAsync<KeyRow>(new CommandDefinition($"SELECT {Columns} FROM api_keys ORDER BY name;", cancellationToken: cancellationToken)))
            .Select(r => r.ToKey())];
    }

    /// <summary>The key whose secret has <paramref name="digest"/>, with the digest as stored, or null.</summary>
    public async Task<(ApiKey Key, byte[] StoredDigest)?> FindByDigestAsync(byte[] digest, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<KeyRow>(new CommandDefinition(
            $"SELECT {Columns}, key_sha256 AS Digest FROM api_keys WHERE key_sha256 = @digest;", new { digest }, cancellationToken: cancellationToken));
        return row is null ? null : (row.ToKey(), row.Digest);
    }

    /// <summary>Marks the active key called <paramref name="name"/> revoked; false when there is none.</summary>
    public async Task<bool> RevokeAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE api_keys SET revoked_at = @now WHERE name = @name AND revoked_at IS NULL;",
            new { name, now = DateTimeOffset.UtcNow }, cancellationToken: cancellationToken)) > 0;
    }

    /// <summary>Records when keys were last used, never moving a time backwards.</summary>
    public async Task TouchAsync(IReadOnlyCollection<KeyValuePair<long, DateTimeOffset>> lastUsed, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var (id, at) in lastUsed)
        {
            await connection.ExecuteAsync(
                "UPDATE api_keys SET last_used_at = @at WHERE id = @id AND (last_used_at IS NULL OR last_used_at < @at);",
                new { id, at }, transaction);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    // Scopes are stored as space-separated text.
    private sealed class KeyRow
    {
        public long Id { get; init; }
        public string Name { get; init; } = "";
        public string Prefix { get; init; } = "";
        public string Scopes { get; init; } = "";
        public int RatePerMinute { get; init; }
        public string CreatedAt { get; init; } = "";
        public string? LastUsedAt { get; init; }
        public string? RevokedAt { get; init; }
        public byte[] Digest { get; init; } = [];

        public ApiKey ToKey() => new(Id, Name, Prefix, Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries), RatePerMinute,
            Parse(CreatedAt)!.Value, Parse(LastUsedAt), Parse(RevokedAt));

        private static DateTimeOffset? Parse(string? text) =>
            text is null ? null : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
    }
}
