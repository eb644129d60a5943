using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using ExposureApi.Core.Keys;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ExposureApi.Auth;

/// <summary>Partner API keys, sent as <c>X-Api-Key</c> or (as HIBP clients do) <c>hibp-api-key</c>.</summary>
internal static class ApiKeyDefaults
{
    public const string Scheme = "ApiKey";
    public const string Header = "X-Api-Key";
    public const string HibpHeader = "hibp-api-key";
    public const string ScopeClaim = "scope";
    public const string RateClaim = "rate_per_minute";

    /// <summary>Policies: <c>check</c> and <c>admin</c> need that scope; <c>key-if-sent</c> lets anonymous callers in but refuses a bad key.</summary>
    public const string CheckPolicy = "check";
    public const string AdminPolicy = "admin";
    public const string KeyIfSentPolicy = "key-if-sent";

    public static bool HasKeyHeader(HttpRequest request) =>
        request.Headers.ContainsKey(Header) || request.Headers.ContainsKey(HibpHeader);

    public static bool HasScope(this ClaimsPrincipal user, string scope) => user.HasClaim(ScopeClaim, scope);

    public static IServiceCollection AddApiKeyAuthentication(this IServiceCollection services)
    {
        services.AddSingleton<KeyUsageRecorder>();
        services.AddHostedService(sp => sp.GetRequiredService<KeyUsageRecorder>());
        services.AddAuthentication(Scheme).AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(Scheme, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(CheckPolicy, p => p.RequireAuthenticatedUser().RequireClaim(ScopeClaim, ApiScopes.Check))
            .AddPolicy(AdminPolicy, p => p.RequireAuthenticatedUser().RequireClaim(ScopeClaim, ApiScopes.Admin))
            .AddPolicy(KeyIfSentPolicy, p => p.RequireAssertion(context =>
                context.Resource is not HttpContext http || !HasKeyHeader(http.Request) || context.User.Identity?.IsAuthenticated == true));
        return services;
    }
}

/// <summary>
/// Authenticates a request by its API key. The key is looked up on every request, so a key revoked with the CLI is
/// refused from the next request on, without a restart. Challenges and refusals answer in the caller's dialect:
/// problem+json on the v1 API, HIBP's JSON on the v3 API.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyStore keys,
    KeyUsageRecorder usage) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Request.Headers[ApiKeyDefaults.Header].FirstOrDefault() ?? Request.Headers[ApiKeyDefaults.HibpHeader].FirstOrDefault();
        if (string.IsNullOrEmpty(presented))
        {
            return AuthenticateResult.NoResult();
        }

        var key = await keys.FindActiveAsync(presented.Trim(), Context.RequestAborted);
        if (key is null)
        {
            return AuthenticateResult.Fail("The API key is not valid, or has been revoked.");
        }

        usage.Record(key.Id);
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, key.Id.ToString(CultureInfo.InvariantCulture)),
            new(ClaimTypes.Name, key.Name),
            new(ApiKeyDefaults.RateClaim, key.RatePerMinute.ToString(CultureInfo.InvariantCulture)),
        };
        claims.AddRange(key.Scopes.Select(s => new Claim(ApiKeyDefaults.ScopeClaim, s)));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name)), Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        ApiKeyDefaults.HasKeyHeader(Request)
            ? Problems.Refusals.UnauthorizedAsync(Context, "The API key is not valid, or has been revoked.", "Access denied due to invalid hibp-api-key.")
            : Problems.Refusals.UnauthorizedAsync(
                Context, $"An API key is required: send it in the {ApiKeyDefaults.Header} header (or {ApiKeyDefaults.HibpHeader}).", "Access denied due to missing hibp-api-key.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.Refusals.ForbiddenAsync(Context, "This API key does not have the scope this operation needs.");
}

/// <summary>
/// Collects when each key was last used and writes it every few seconds, so that a check never waits on a write
/// (a load in progress holds the store's write lock for as long as it runs).
/// </summary>
internal sealed partial class KeyUsageRecorder(ApiKeyStore keys, ILogger<KeyUsageRecorder> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<long, DateTimeOffset> _pending = new();

    public void Record(long keyId) => _pending[keyId] = DateTimeOffset.UtcNow;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
        }

        await FlushAsync(CancellationToken.None);
    }

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var batch = _pending.ToArray();
        try
        {
            await keys.TouchAsync(batch, cancellationToken);
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or OperationCanceledException)
        {
            // Left pending: the next flush writes them.
            LogFlushFailed(e);
            return;
        }

        // Only what was written: a use recorded meanwhile has a newer time and stays for the next flush.
        foreach (var written in batch)
        {
            _pending.TryRemove(written);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record API key usage; will try again")]
    private partial void LogFlushFailed(Exception e);
}
