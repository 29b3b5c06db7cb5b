using System.Threading.Channels;

namespace Bottleneck.Cli.Serving;

/// <summary>
/// Gathers concurrent requests into one model call: a worker takes the first waiting request and, while other
/// requests are on their way (<see cref="Expect"/>: still reading or parsing their bodies), waits up to <c>window</c>
/// for them (or until <c>maxRows</c> rows are gathered); then it runs each function's rows as one batch and hands every
/// request its slice. Under load a call serves many requests, so throughput grows with concurrency; a request alone
/// never waits. The queue is bounded, so a flood waits (and times out) instead of growing memory.
/// </summary>
internal sealed class MicroBatcher : IAsyncDisposable
{
    sealed record Job(RowFunction Function, float[] Values, int Rows, TaskCompletionSource<object> Done);

    readonly IRowModel model;
    readonly TimeSpan window;
    readonly int maxRows;
    readonly Channel<Job> queue;
    readonly Task worker;

    public MicroBatcher(IRowModel model, TimeSpan window, int maxRows, int queueLength)
    {
        this.model = model;
        this.window = window;
        this.maxRows = maxRows;
        queue = Channel.CreateBounded<Job>(new BoundedChannelOptions(queueLength) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        worker = Task.Run(Work);
    }

    /// <summary>Model calls made so far, and the rows they scored: rows per call shows how much batching happened.</summary>
    public long Calls => Interlocked.Read(ref calls);
    public long RowsScored => Interlocked.Read(ref rowsScored);
    long calls, rowsScored;
    int expected;

    /// <summary>Announces a request from its arrival until it is answered (dispose), so the worker knows to wait for it.</summary>
    public IDisposable Expect()
    {
        Interlocked.Increment(ref expected);
        return new Arrival(this);
    }

    sealed class Arrival(MicroBatcher batcher) : IDisposable
    {
        int done;
        public void Dispose() { if (Interlocked.Exchange(ref done, 1) == 0) Interlocked.Decrement(ref batcher.expected); }
    }

    /// <summary>Queues <paramref name="rows"/> rows for <paramref name="function"/>; the result is float[] (codes, reconstructions) or <see cref="ScoredRows"/>.</summary>
    public async Task<object> Run(RowFunction function, float[] values, int rows, CancellationToken cancel)
    {
        var job = new Job(function, values, rows, new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously));
        await queue.Writer.WriteAsync(job, cancel);
        return await job.Done.Task.WaitAsync(cancel);
    }

    async Task Work()
    {
        var reader = queue.Reader;
        var batch = new List<Job>();
        while (await reader.WaitToReadAsync())
        {
            batch.Clear();
            int rows = 0;
            var deadline = DateTime.UtcNow + window;
            while (rows < maxRows)
            {
                if (reader.TryRead(out var job))
                {
                    batch.Add(job);
                    rows += job.Rows;
                    continue;
                }
                var left = deadline - DateTime.UtcNow;
                // Nobody else is coming (every announced request is in this batch), or the window is over: run now.
                if (Volatile.Read(ref expected) <= batch.Count || left <= TimeSpan.Zero) break;
                // At least a millisecond: a shorter timeout would round down to none.
                using var wait = new CancellationTokenSource(left > TimeSpan.FromMilliseconds(1) ? left : TimeSpan.FromMilliseconds(1));
                try { if (!await reader.WaitToReadAsync(wait.Token)) break; }
                catch (OperationCanceledException) { break; }
            }
            foreach (var group in batch.GroupBy(j => j.Function)) RunGroup(group.Key, group.ToArray());
        }
    }

    void RunGroup(RowFunction function, Job[] jobs)
    {
        try
        {
            int rows = jobs.Sum(j => j.Rows);
            var values = jobs.Length == 1 ? jobs[0].Values : jobs.SelectMany(j => j.Values).ToArray();
            Interlocked.Increment(ref calls);
            Interlocked.Add(ref rowsScored, rows);
            switch (function)
            {
                case RowFunction.Score:
                {
                    var scored = model.Score(values);
                    int at = 0;
                    foreach (var job in jobs)
                    {
                        job.Done.TrySetResult(new ScoredRows(scored.Scores[at..(at + job.Rows)], scored.Anomalies?[at..(at + job.Rows)]));
                        at += job.Rows;
                    }
                    break;
                }
                default:
                {
                    var result = function == RowFunction.Encode ? model.Encode(values) : model.Reconstruct(values);
                    int width = result.Length / rows, at = 0;
                    foreach (var job in jobs)
                    {
                        job.Done.TrySetResult(result[(at * width)..((at + job.Rows) * width)]);
                        at += job.Rows;
                    }
                    break;
                }
            }
        }
        catch (Exception e)
        {
            foreach (var job in jobs) job.Done.TrySetException(e);
        }
    }

    /// <summary>Stops taking requests and lets the worker finish those already queued.</summary>
    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await worker;
    }
}
