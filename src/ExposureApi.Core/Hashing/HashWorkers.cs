using System.Collections.Concurrent;
using ExposureApi.Core.Hashing.Argon2;

namespace ExposureApi.Core.Hashing;

/// <summary>
/// Dedicated hashing threads, each owning one Argon2 engine and its memory for the life of the pool. Callers hand a
/// number over and await its tag: no thread-pool thread ever blocks on a hash, and no hash maps memory afresh. A
/// thread that finds two numbers waiting hashes them together (<see cref="IArgon2idEngine.HashPair"/>), which the fast
/// engine does in less time than one after the other.
/// </summary>
/// <remarks>
/// Each thread creates its engine and passes <see cref="EngineSelfTest"/> before it takes work; <see cref="Ready"/>
/// completes when all have, or faults with the first failure, after which every hash is refused with it. How many
/// callers may wait, and for how long, is the caller's to bound (<see cref="Checks.ExposureChecker"/>).
/// </remarks>
public sealed class HashWorkers : IDisposable
{
    private readonly BlockingCollection<Work> _queue = new(new ConcurrentQueue<Work>());
    private readonly Thread[] _threads;
    private readonly EngineSelfTest _selfTest;
    private readonly Func<IArgon2idEngine> _createEngine;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _readyThreads;
    private volatile Exception? _failure;

    /// <summary>How many numbers one thread hashes at once: its engine has memory for a pair.</summary>
    public const int HashesPerThread = 2;

    private static readonly TimeSpan PartnerWait = TimeSpan.FromMilliseconds(1);

    public HashWorkers(ExposureHasher hasher, int threads)
        : this(hasher, threads, () => hasher.CreateEngine(HashesPerThread))
    {
    }

    /// <param name="createEngine">Makes each thread's engine, such as one of <see cref="Argon2Engines"/> wrapped for a test.</param>
    public HashWorkers(ExposureHasher hasher, int threads, Func<IArgon2idEngine> createEngine)
    {
        ArgumentNullException.ThrowIfNull(hasher);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        Hasher = hasher;
        _createEngine = createEngine;
        _selfTest = new EngineSelfTest(hasher);
        _threads = new Thread[threads];
        for (var i = 0; i < threads; i++)
        {
            _threads[i] = new Thread(Run) { IsBackground = true, Name = $"exposure-hash-{i}" };
            _threads[i].Start(i);
        }
    }

    public ExposureHasher Hasher { get; }

    public int Count => _threads.Length;

    /// <summary>How many numbers the threads hash at once, all together.</summary>
    public int Capacity => Count * HashesPerThread;

    /// <summary>The engine and instruction set the threads hash with, once <see cref="Ready"/> has completed.</summary>
    public string EngineDescription { get; private set; } = "";

    /// <summary>Completes when every thread has its engine and has passed the self-test; faults with the reason otherwise.</summary>
    public Task Ready => _ready.Task;

    /// <summary>The 32-byte tag of <paramref name="e164"/> (canonical), computed on one of the threads.</summary>
    /// <param name="cancellationToken">Cancels the hash if it has not started yet; a hash that has started finishes.</param>
    public Task<byte[]> HashAsync(string e164, CancellationToken cancellationToken = default)
    {
        if (_failure is { } failure)
        {
            return Task.FromException<byte[]>(failure);
        }

        var work = new Work(e164, cancellationToken);
        try
        {
            _queue.Add(work, CancellationToken.None);
        }
        catch (InvalidOperationException)
        {
            // Adding was completed: the pool failed (say why) or is being disposed.
            return _failure is { } failed ? Task.FromException<byte[]>(failed) : throw new ObjectDisposedException(nameof(HashWorkers));
        }

        return work.Completion.Task;
    }

    private void Run(object? state)
    {
        var index = (int)state!;
        IArgon2idEngine engine;
        try
        {
            engine = _createEngine();
            try
            {
                _selfTest.Verify(engine, includeGoldenVector: index == 0);
            }
            catch
            {
                engine.Dispose();
                throw;
            }
        }
        catch (Exception e)
        {
            Fail(e);
            return;
        }

        EngineDescription = engine.Description;
        if (Interlocked.Increment(ref _readyThreads) == _threads.Length)
        {
            _ready.TrySetResult();
        }

        using (engine)
        {
            var pairing = false;
            foreach (var work in _queue.GetConsumingEnumerable())
            {
                if (work.Cancellation.IsCancellationRequested)
                {
                    work.Completion.TrySetCanceled(work.Cancellation);
                    continue;
                }

                // Under load (the last round was a pair), the partner of a number is usually a moment behind it: the
                // answers to the last pair went out together and their clients' next requests come back together.
                // Waiting a millisecond for it keeps the pairs together; without load, nothing waits.
                var other = engine.HashesAtOnce > 1 ? TakeAnother(pairing ? PartnerWait : TimeSpan.Zero) : null;
                pairing = other is not null;
                if (other is not null)
                {
                    HashPair(engine, work, other);
                }
                else
                {
                    Hash(engine, work);
                }
            }
        }
    }

    // The next waiting number that is still wanted, waiting at most `wait` for one to arrive.
    private Work? TakeAnother(TimeSpan wait)
    {
        while (_queue.TryTake(out var work, wait))
        {
            if (!work.Cancellation.IsCancellationRequested)
            {
                return work;
            }

            work.Completion.TrySetCanceled(work.Cancellation);
        }

        return null;
    }

    private void Hash(IArgon2idEngine engine, Work work)
    {
        try
        {
            var tag = new byte[HashScheme.TagLength];
            Hasher.Hash(work.E164, engine, tag);
            work.Completion.TrySetResult(tag);
        }
        catch (Exception e)
        {
            work.Completion.TrySetException(e);
        }
    }

    private void HashPair(IArgon2idEngine engine, Work first, Work second)
    {
        try
        {
            var (tag, otherTag) = (new byte[HashScheme.TagLength], new byte[HashScheme.TagLength]);
            Hasher.HashPair(first.E164, second.E164, engine, tag, otherTag);
            first.Completion.TrySetResult(tag);
            second.Completion.TrySetResult(otherTag);
        }
        catch (ArgumentException)
        {
            // One of the two is not canonical: hash each alone, so that the other still gets its tag.
            Hash(engine, first);
            Hash(engine, second);
        }
        catch (Exception e)
        {
            first.Completion.TrySetException(e);
            second.Completion.TrySetException(e);
        }
    }

    private void Fail(Exception e)
    {
        _failure ??= e;
        _ready.TrySetException(e);
        try
        {
            _queue.CompleteAdding();
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        while (_queue.TryTake(out var work))
        {
            work.Completion.TrySetException(e);
        }
    }

    /// <summary>Lets the threads finish what is queued, then frees their engines' memory (wiped first).</summary>
    public void Dispose()
    {
        if (!_queue.IsAddingCompleted)
        {
            _queue.CompleteAdding();
        }

        foreach (var thread in _threads)
        {
            thread.Join();
        }

        _queue.Dispose();
    }

    private sealed record Work(string E164, CancellationToken Cancellation)
    {
        public TaskCompletionSource<byte[]> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
