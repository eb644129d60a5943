using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Dapper;
using ExposureApi.Core.Storage;

namespace ExposureApi.Core.Keys;

/// <summary>What an API key may do.</summary>
public static class ApiScopes
{
    /// <summary>Check numbers (single and batch, v1 and the HIBP v3 breachedaccount call).</summary>
    public const string Check = "check";

    /// <summary>See breaches flagged sensitive in check results.</summary>
    public const string CheckSensitive = "check:sensitive";

    /// <summary>Manage breaches and load hashes over HTTP.</summary>
    public const string Admin = "admin";

    public static IReadOnlyList<string> All { get; } = [Check, CheckSensitive, Admin];
}

/// <summary>An issued API key, without its secret.</summary>
public sealed record ApiKey(
    long Id,
    string Name,
    string Prefix,
    IReadOnlyList<string> Scopes,
    int RatePerMinute,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastUsedAt,
    DateTimeOffset? RevokedAt)
{
    public bool IsRevoked => RevokedAt is not null;

    public bool Has(string scope) => Scopes.Contains(scope, StringComparer.Ordinal);
}

/// <summary>
/// Partner API keys, kept in the store beside the data they unlock so that the CLI and every web host see the same
/// keys, and a revocation takes effect on the next request.
/// </summary>
/// <remarks>
/// A key is 24 random bytes (192 bits) in base64url behind the prefix <c>exk_</c>. Only its SHA-256 is stored: a
/// key has far too much entropy to guess, so a slow hash would add cost without adding safety. Look-ups go by the
/// digest and the digests are then compared in constant time.
/// </remarks>
public sealed partial class ApiKeyStore(ExposureStore store)
{
    public const string KeyPrefix = "exk_";
    private const int PrefixLength = 10;

    /// <summary>Issues a key. Returns the record and the secret, which is never available again.</summary>
    /// <exception cref="ArgumentException">The name, a scope or the rate is not valid, or the name is taken.</exception>
    public async Task<(ApiKey Key, string Secret)> IssueAsync(string name, IReadOnlyCollection<string> scopes, int ratePerMinute, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        if (!NamePattern().IsMatch(name))
        {
            throw new ArgumentException($"'{name}' is not a valid key name: use letters, digits, '.', '_' and '-' (at most 64).", nameof(name));
        }

        if (scopes.Count == 0 || scopes.Any(s => !ApiScopes.All.Contains(s)))
        {
            throw new ArgumentException($"Scopes must be some of: {string.Join(", ", ApiScopes.All)}.", nameof(scopes));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(ratePerMinute, 1);
        var secret = KeyPrefix + Base64UrlEncode(RandomNumberGenerator.GetBytes(24));
        var now = DateTimeOffset.UtcNow;
        await using var connection = await store.OpenAsync(cancellationToken);
        try
        {
            var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                """
                INSERT INTO api_keys (name, key_prefix, key_sha256, scopes, rate_per_minute, created_at)
                VALUES (@name, @prefix, @digest, @scopes, @ratePerMinute, @created) RETURNING id;
                """,
                new { name, prefix = secret[..PrefixLength], digest = Digest(secret), scopes = string.Join(' ', scopes.Distinct()), ratePerMinute, created = ExposureStore.FormatTimestamp(now) },
                cancellationToken: cancellationToken));
            return (new ApiKey(id, name, secret[..PrefixLength], [.. scopes.Distinct()], ratePerMinute, now, null, null), secret);
        }
        catch (Microsoft.Data.Sqlite.SqliteException e) when (e.SqliteErrorCode == 19)
        {
            throw new ArgumentException($"A key named '{name}' already exists.", nameof(name), e);
        }
    }

    public async Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<KeyRow>(new CommandDefinition($"SELECT {Columns} FROM api_keys ORDER BY name;", cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToKey())];
    }

    /// <summary>Revokes the key called <paramref name="name"/>; false when there is no such active key.</summary>
    public async Task<bool> RevokeAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE api_keys SET revoked_at = @now WHERE name = @name AND revoked_at IS NULL;",
            new { name, now = ExposureStore.FormatTimestamp(DateTimeOffset.UtcNow) }, cancellationToken: cancellationToken)) > 0;
    }

    /// <summary>The active key whose secret is <paramref name="secret"/>, or null for an unknown or revoked key.</summary>
    public async Task<ApiKey?> FindActiveAsync(string secret, CancellationToken cancellationToken)
    {
        if (!secret.StartsWith(KeyPrefix, StringComparison.Ordinal) || secret.Length > 128)
        {
            return null;
        }

        var digest = Digest(secret);
        await using var connection = await store.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<KeyRow>(new CommandDefinition(
            $"SELECT {Columns}, key_sha256 AS Digest FROM api_keys WHERE key_sha256 = @digest;", new { digest }, cancellationToken: cancellationToken));
        return row is not null && CryptographicOperations.FixedTimeEquals(row.Digest, digest) && row.RevokedAt is null ? row.ToKey() : null;
    }

    /// <summary>Records when keys were last used; the web host batches these rather than writing on every request.</summary>
    public async Task TouchAsync(IReadOnlyCollection<KeyValuePair<long, DateTimeOffset>> lastUsed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lastUsed);
        if (lastUsed.Count == 0)
        {
            return;
        }

        await using var connection = await store.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var (id, at) in lastUsed)
        {
            await connection.ExecuteAsync(
                "UPDATE api_keys SET last_used_at = @at WHERE id = @id AND (last_used_at IS NULL OR last_used_at < @at);",
                new { id, at = ExposureStore.FormatTimestamp(at) }, transaction);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Parses a rate such as <c>600/min</c> or <c>600</c> (per minute).</summary>
    public static int? ParseRate(string? text)
    {
        var match = RatePattern().Match(text ?? "");
        return match.Success && int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var rate) && rate > 0 ? rate : null;
    }

    private static byte[] Digest(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private const string Columns =
        "id AS Id, name AS Name, key_prefix AS Prefix, scopes AS Scopes, rate_per_minute AS RatePerMinute, created_at AS CreatedAt, last_used_at AS LastUsedAt, revoked_at AS RevokedAt";

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^\s*(\d{1,7})\s*(/\s*min(ute)?)?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex RatePattern();

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
