namespace Bottleneck;

/// <summary>
/// Input the user can fix: a missing or malformed file, an option out of range, data that does not fit a model.
/// The message is one line that names the file or option, the field, and what was expected; the command-line tool
/// prints it alone and exits with code 2.
/// </summary>
public class BadInputException : Exception
{
    public BadInputException(string message) : base(message) { }
    public BadInputException(string message, Exception inner) : base(message, inner) { }
}
