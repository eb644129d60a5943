using ExposureApi.Core.Hashing;

namespace ExposureApi.Hashing;

/// <summary>
/// Holds the server back until every hashing thread has its Argon2 memory and has proven its engine, so that the
/// first check is as fast as any other and a faulty engine stops the start-up instead of answering wrongly.
/// </summary>
internal sealed partial class HashingInitializer(HashWorkers workers, ILogger<HashingInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await workers.Ready.WaitAsync(cancellationToken);
        LogHashingReady(workers.EngineDescription, workers.Count, workers.Hasher.Scheme.Cost);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Hashing with Argon2 engine {Engine} on {Threads} threads ({Cost}); self-test passed")]
    private partial void LogHashingReady(string engine, int threads, Core.Hashing.Argon2.Argon2Cost cost);
}
