using static TorchSharp.torch;

namespace Bottleneck;

/// <summary>
/// Runs front-door work at a chosen libtorch thread count and puts the caller's thread count and torch's global
/// generator (which model building and the trainer's per-epoch dropout seeding draw from) back afterwards, so a call
/// through the front door leaves no process-wide trace.
/// </summary>
internal static class IsolatedTorchState
{
    /// <summary>
    /// Runs <paramref name="work"/> at <paramref name="threads"/> libtorch threads and puts the caller's count back, for
    /// work that draws no random numbers (scoring in eval mode), which need not pay for copying the generator's state.
    /// </summary>
    public static void WithThreads(int threads, Action work)
    {
        int previous = get_num_threads();
        if (previous != threads) set_num_threads(threads);
        try { work(); }
        finally { if (previous != threads) set_num_threads(previous); }
    }

    public static T Run<T>(int threads, Func<T> work)
    {
        int previous = get_num_threads();
        var state = random.get_rng_state();
        set_num_threads(threads);
        try { return work(); }
        finally
        {
            set_num_threads(previous);
            random.set_rng_state(state);
        }
    }
}
