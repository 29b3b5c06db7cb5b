using System.Runtime.ExceptionServices;

namespace Bottleneck.DataParallel;

/// <summary>
/// A fixed set of workers that each run one piece of work per call to <see cref="Run"/> and sleep in between. The
/// calling thread is worker 0, so a crew of W starts W − 1 dedicated threads, which live as long as the crew. Every
/// wait is a kernel wait (<see cref="Monitor.Wait(object)"/>), never a spin: a worker that has nothing to do gives its
/// core away, so a busy neighbour slows a crew in proportion instead of collapsing it. (libtorch's OpenMP threads spin
/// at their barriers; beside one busy process, two of them trained at a third of their idle speed: DESIGN.md.)
/// Dedicated threads rather than the .NET thread pool: the pool may lend a worker's thread to other work or inject
/// more threads than cores, and a data-parallel step needs exactly W threads that are all running at once.
/// </summary>
internal sealed class WorkerCrew : IDisposable
{
    readonly object gate = new();
    readonly Thread[] threads;
    readonly Exception?[] failures;
    Action<int>? work;
    long round;        // increases with every Run; a worker runs each round once
    int unfinished;    // dedicated workers still running the current round
    int absent;        // workers that cannot start, so never meet, in the current round
    int meeting;       // workers waiting in the current Meet
    long meetings;     // Meets completed
    bool stopping;

    /// <summary>
    /// A crew of <paramref name="count"/> workers. <paramref name="onStart"/> runs once on each dedicated thread before
    /// its first piece of work (the trainer sets libtorch's per-thread state there).
    /// </summary>
    public WorkerCrew(int count, Action<int>? onStart = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        Count = count;
        failures = new Exception?[count];
        threads = new Thread[count - 1];
        for (int i = 0; i < threads.Length; i++)
        {
            int worker = i + 1;
            // 8 MB, the size of a main thread's stack on Linux: libtorch's kernels run on these threads as they would there.
            threads[i] = new Thread(() => Loop(worker, onStart), maxStackSize: 8 << 20) { IsBackground = true, Name = $"bottleneck worker {worker}" };
            threads[i].Start();
        }
    }

    /// <summary>The number of workers, the calling thread included.</summary>
    public int Count { get; }

    /// <summary>
    /// Runs <paramref name="action"/>(k) for every worker k = 0 .. Count − 1 at once (k = 0 on the calling thread) and
    /// returns when all have finished. If any failed, rethrows the failure of the lowest-numbered worker that failed,
    /// preferring a real error to a cancellation that it caused.
    /// </summary>
    public void Run(Action<int> action)
    {
        ObjectDisposedException.ThrowIf(stopping, this);
        Array.Clear(failures);
        lock (gate)
        {
            work = action;
            unfinished = threads.Length;
            absent = 0;
            round++;
            Monitor.PulseAll(gate);
        }
        try { action(0); }
        catch (Exception e) { failures[0] = e; }
        lock (gate)
        {
            while (unfinished > 0) Monitor.Wait(gate);
            work = null;
        }
        // A worker that gave up because another failed (a cancellation) is not the news: the other one's error is.
        var reported = failures.FirstOrDefault(f => f is not null and not OperationCanceledException) ?? failures.FirstOrDefault(f => f is not null);
        if (reported is not null) ExceptionDispatchInfo.Capture(reported).Throw();
    }

    void Loop(int worker, Action<int>? onStart)
    {
        // A thread that could not start fails every round it is given, so Run reports it instead of waiting for it.
        Exception? startFailure = null;
        try { onStart?.Invoke(worker); }
        catch (Exception e) { startFailure = e; }
        long seen = 0;
        while (true)
        {
            Action<int> action;
            lock (gate)
            {
                while (round == seen && !stopping) Monitor.Wait(gate);
                if (stopping) return;
                seen = round;
                action = work!;
            }
            if (startFailure is not null)
            {
                failures[worker] = startFailure;
                // It never reaches a Meet: the others must not wait for it there.
                lock (gate)
                {
                    absent++;
                    Monitor.PulseAll(gate);
                }
            }
            else
                try { action(worker); }
                catch (Exception e) { failures[worker] = e; }
            lock (gate)
            {
                if (--unfinished == 0) Monitor.PulseAll(gate);
            }
        }
    }

    /// <summary>
    /// Inside the action given to <see cref="Run"/>: waits until every worker of the round has called Meet, then lets
    /// them all go on, so that one round can hold phases that each need the previous one finished everywhere (a
    /// step's gradients, then its update) without handing control back to the caller in between. Every worker must
    /// call it the same number of times in a round. A kernel wait, as everywhere in the crew.
    /// </summary>
    public void Meet()
    {
        lock (gate)
        {
            long generation = meetings;
            meeting++;
            while (meetings == generation)
            {
                if (meeting + absent >= Count)
                {
                    meeting = 0;
                    meetings++;
                    Monitor.PulseAll(gate);
                    break;
                }
                Monitor.Wait(gate);
            }
        }
    }

    /// <summary>Stops the dedicated threads and waits for them to end.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            if (stopping) return;
            stopping = true;
            Monitor.PulseAll(gate);
        }
        foreach (var thread in threads) thread.Join();
    }
}
