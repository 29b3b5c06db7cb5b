using System.Text.RegularExpressions;

namespace Bottleneck;

/// <summary>
/// Bad input in an option (a setting) rather than in a file. It names the option by its field, as the settings records
/// spell it ("batch_size", "learning_rate"), so that each front end can say it in its own words: the command line
/// prints its flag (--batch-size). The message reads "batch_size: expected a positive batch size, got 0".
/// </summary>
public sealed partial class OptionException : BadInputException
{
    /// <summary>An error in the option <paramref name="field"/>; <paramref name="problem"/> says what was expected and what was given.</summary>
    /// <param name="field">The option's field name, as the settings spell it ("batch_size").</param>
    /// <param name="problem">What was wrong, without the option's name ("expected a positive batch size, got 0").</param>
    public OptionException(string field, string problem) : this([field], problem) { }

    /// <summary>An error in a combination of options ("val_split, val_data and no_validation: choose one").</summary>
    /// <param name="fields">The options involved, by field name; at least one.</param>
    /// <param name="problem">What was wrong with them, without their names.</param>
    public OptionException(IReadOnlyList<string> fields, string problem) : base(problem)
    {
        if (fields.Count == 0) throw new ArgumentException("name at least one field", nameof(fields));
        Fields = fields;
        Problem = problem;
    }

    /// <summary>The option the error is about, by field name.</summary>
    public string Field => Fields[0];

    /// <summary>Every option the error is about, by field name, the first being <see cref="Field"/>.</summary>
    public IReadOnlyList<string> Fields { get; }

    /// <summary>The value given, when the message names it after the option ("noise gaussian:0.5: ...").</summary>
    public string? Value { get; init; }

    /// <summary>What was wrong with the option, without its name.</summary>
    public string Problem { get; }

    /// <inheritdoc/>
    public override string Message => Describe(name => name);

    /// <summary>
    /// The message with each option written as <paramref name="name"/> gives it: the leading ones, and those the problem
    /// mentions in backquotes (`loss`). The library's own message writes the field names.
    /// </summary>
    internal string Describe(Func<string, string> name)
    {
        var names = Fields.Select(name).ToArray();
        var subject = names.Length == 1 ? names[0] : string.Join(", ", names[..^1]) + " and " + names[^1];
        return (Value is null ? subject : $"{subject} {Value}") + ": " + Mentions(Problem, name);
    }

    /// <summary>
    /// <paramref name="message"/> with every option it mentions in backquotes (`loss`, `label_column`) written as
    /// <paramref name="name"/> gives it; the backquotes stay round a field <paramref name="name"/> leaves as it is.
    /// </summary>
    internal static string Mentions(string message, Func<string, string> name) =>
        MentionPattern().Replace(message, m => name(m.Groups[1].Value) is var written && written != m.Groups[1].Value ? written : m.Value);

    [GeneratedRegex("`([a-z][a-z0-9_]*)`")]
    private static partial Regex MentionPattern();
}
