namespace Bottleneck.Cli.Serving;

/// <summary>
/// What one client may ask of the server, so that nothing a client sends can exhaust it: at most
/// <see cref="MaxConnections"/> × <see cref="MaxBodyBytes"/> of request bodies are held at once.
/// </summary>
internal sealed record ServeLimits
{
    /// <summary>Largest request body; a larger one is answered 413.</summary>
    public long MaxBodyBytes { get; init; } = 1 << 20;

    /// <summary>Most rows in one request; more is answered 413.</summary>
    public int MaxRows { get; init; } = 1024;

    /// <summary>A request not answered by then is answered 504.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Most connections open at once; more wait in the listen queue.</summary>
    public int MaxConnections { get; init; } = 256;

    /// <summary>How long the micro-batcher waits for requests on their way after the first (0: only those already queued).</summary>
    public TimeSpan BatchWindow { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Most rows in one model call.</summary>
    public int MaxBatchRows { get; init; } = 4096;

    /// <summary>How long shutdown waits for requests in flight.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(15);
}
