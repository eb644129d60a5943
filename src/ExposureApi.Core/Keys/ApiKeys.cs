using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
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

    /// <summary>Scopes written as the CLI takes them: comma-separated, such as <c>check,check:sensitive</c>.</summary>
    public static IReadOnlyList<string> Parse(string? text) =>
        [.. (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal)];

    /// <summary>What is wrong with <paramref name="scopes"/> as a key's scopes, or null when nothing is.</summary>
    public static string? Problem(IReadOnlyCollection<string> scopes) =>
        scopes.Count == 0 || scopes.Any(s => !All.Contains(s, StringComparer.Ordinal))
            ? $"Scopes must be one or more of: {string.Join(", ", All)} (comma-separated)."
            : null;
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
        if (!Names.IsValid(name))
        {
            throw new ArgumentException($"'{name}' is not a valid key name: {Names.Rule}.", nameof(name));
        }

        if (ApiScopes.Problem(scopes) is { } problem)
        {
            throw new ArgumentException(problem, nameof(scopes));
        }

        if (ratePerMinute < 1)
        {
            throw new ArgumentException(RateRule, nameof(ratePerMinute));
        }

        var secret = KeyPrefix + Base64UrlEncode(RandomNumberGenerator.GetBytes(24));
        var now = DateTimeOffset.UtcNow;
        IReadOnlyList<string> distinct = [.. scopes.Distinct()];
        var id = await store.ApiKeys.InsertAsync(name, secret[..PrefixLength], Digest(secret), distinct, ratePerMinute, now, cancellationToken)
            ?? throw new ArgumentException($"A key named '{name}' already exists.", nameof(name));
        return (new ApiKey(id, name, secret[..PrefixLength], distinct, ratePerMinute, now, null, null), secret);
    }

    public Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken) => store.ApiKeys.ListAsync(cancellationToken);

    /// <summary>Revokes the key called <paramref name="name"/>; false when there is no such active key.</summary>
    public Task<bool> RevokeAsync(string name, CancellationToken cancellationToken) => store.ApiKeys.RevokeAsync(name, cancellationToken);

    /// <summary>The active key whose secret is <paramref name="secret"/>, or null for an unknown or revoked key.</summary>
    public async Task<ApiKey?> FindActiveAsync(string secret, CancellationToken cancellationToken)
    {
        if (!secret.StartsWith(KeyPrefix, StringComparison.Ordinal) || secret.Length > 128)
        {
            return null;
        }

        var digest = Digest(secret);
        return await store.ApiKeys.FindByDigestAsync(digest, cancellationToken) is { } found
            && CryptographicOperations.FixedTimeEquals(found.StoredDigest, digest) && !found.Key.IsRevoked
                ? found.Key
                : null;
    }

    /// <summary>Records when keys were last used; the web host batches these rather than writing on every request.</summary>
    public Task TouchAsync(IReadOnlyCollection<KeyValuePair<long, DateTimeOffset>> lastUsed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lastUsed);
        return lastUsed.Count == 0 ? Task.CompletedTask : store.ApiKeys.TouchAsync(lastUsed, cancellationToken);
    }

    /// <summary>The rate rule in words, for messages.</summary>
    public const string RateRule = "A rate is checks per minute, at least 1, such as 600/min.";

    /// <summary>Parses a rate such as <c>600/min</c> or <c>600</c> (per minute).</summary>
    public static int? ParseRate(string? text)
    {
        var match = RatePattern().Match(text ?? "");
        return match.Success && int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var rate) && rate > 0 ? rate : null;
    }

    private static byte[] Digest(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [GeneratedRegex(@"^\s*(\d{1,7})\s*(/\s*min(ute)?)?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex RatePattern();
}
