namespace Bottleneck;

/// <summary>
/// Input the user can fix: a missing or malformed file, an option out of range, data that does not fit a model.
/// The message is one line that names the file or option, the field, and what was expected; the command-line tool
/// prints it alone and exits with code 2.
/// </summary>
public class BadInputException : Exception
{
    /// <summary>Bad input described by <paramref name="message"/>.</summary>
    /// <param name="message">One line: the file or option, the field, what was expected and what was found.</param>
    public BadInputException(string message) : base(message) { }

    /// <summary>Bad input described by <paramref name="message"/>, found when <paramref name="inner"/> was thrown.</summary>
    /// <param name="message">One line: the file or option, the field, what was expected and what was found.</param>
    /// <param name="inner">The error that revealed the bad input (a parser's, say).</param>
    public BadInputException(string message, Exception inner) : base(message, inner) { }
}
