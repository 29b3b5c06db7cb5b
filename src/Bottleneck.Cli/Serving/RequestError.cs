namespace Bottleneck.Cli.Serving;

/// <summary>
/// A request the server refuses, answered as <see cref="Status"/> with the JSON body
/// {"error": message, "field": field, "expected": what}: the client learns which part of its request to fix.
/// </summary>
internal sealed class RequestError(int status, string field, string expected, string message) : Exception(message)
{
    public int Status { get; } = status;
    public string Field { get; } = field;
    public string Expected { get; } = expected;

    /// <summary>A 400 for a malformed part of the body.</summary>
    public static RequestError Bad(string field, string expected, string got) => new(400, field, expected, $"{field}: expected {expected}, got {got}");
}
