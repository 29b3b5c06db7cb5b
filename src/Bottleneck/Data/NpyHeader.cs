using System.Globalization;
using System.Text;

namespace Bottleneck.Data;

/// <summary>
/// The header of a .npy file: a Python dict literal such as <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (60000, 28, 28), }</c>.
/// Parsed with a small literal parser rather than string matching, so spacing, quoting and trailing commas do not matter.
/// </summary>
internal sealed record NpyHeader(string Descr, bool FortranOrder, int[] Shape)
{
    /// <summary>Parses the header text; errors name <paramref name="source"/>.</summary>
    public static NpyHeader Parse(string text, string source)
    {
        var parser = new LiteralParser(text, source);
        if (parser.ParseDocument() is not Dictionary<string, object?> dictionary)
            throw parser.Error("the header is not a Python dict");

        var descr = Require(dictionary, "descr", parser) switch
        {
            string s => s,
            _ => throw new BadInputException(
                $"{source}: .npy header field 'descr' is a structured (record) dtype, which is not supported (expected a plain numeric dtype such as '<f4')"),
        };
        var fortranOrder = Require(dictionary, "fortran_order", parser) switch
        {
            bool b => b,
            var other => throw new BadInputException(
                $"{source}: .npy header field 'fortran_order' is {Describe(other)}, expected True or False"),
        };
        var shape = Require(dictionary, "shape", parser) switch
        {
            List<object?> items => items.Select(item => item is long n and >= 0 and <= int.MaxValue
                ? (int)n
                : throw new BadInputException(
                    $"{source}: .npy header field 'shape' contains {Describe(item)}, expected sizes between 0 and {int.MaxValue}")).ToArray(),
            var other => throw new BadInputException(
                $"{source}: .npy header field 'shape' is {Describe(other)}, expected a tuple of sizes such as (60000, 28, 28)"),
        };
        return new NpyHeader(descr, fortranOrder, shape);
    }

    /// <summary>The header dict as numpy writes it, keys sorted and each followed by ", ", without the alignment padding.</summary>
    public string Format()
    {
        var shape = Shape.Length == 1 ? $"({Shape[0]},)" : $"({string.Join(", ", Shape)})";
        return $"{{'descr': '{Descr}', 'fortran_order': {(FortranOrder ? "True" : "False")}, 'shape': {shape}, }}";
    }

    private static object? Require(Dictionary<string, object?> dictionary, string key, LiteralParser parser) =>
        dictionary.TryGetValue(key, out var value) ? value : throw parser.Error($"the header has no '{key}' field");

    private static string Describe(object? value) => value switch
    {
        null => "None",
        string s => Excerpt.Quote(s),
        bool b => b ? "True" : "False",
        long n => n.ToString(CultureInfo.InvariantCulture),
        List<object?> => "a sequence",
        _ => "a dict",
    };

    /// <summary>
    /// Parses the subset of Python literals numpy headers use: dicts, tuples, lists, strings, integers (with an
    /// optional Python 2 'L' suffix), True, False and None. Tuples and lists both become <see cref="List{T}"/>.
    /// </summary>
    private sealed class LiteralParser(string text, string source)
    {
        // numpy's headers nest two deep (a dict holding a shape tuple; a structured dtype a few more). The bound keeps a
        // hostile header of thousands of brackets from overflowing the stack of this recursive parser.
        private const int MaxDepth = 32;

        private int _position;
        private int _depth;

        public object? ParseDocument()
        {
            var value = ParseValue();
            SkipWhitespace();
            if (_position < text.Length) throw Error($"unexpected {Excerpt.Quote(text[_position])} after the dict");
            return value;
        }

        public BadInputException Error(string problem)
        {
            return new BadInputException($"{source}: malformed .npy header: {problem} (at offset {_position} of {Excerpt.Quote(text.Trim(), 60)})");
        }

        private object? ParseValue()
        {
            SkipWhitespace();
            if (_position >= text.Length) throw Error("unexpected end of the header");
            var c = text[_position];
            if (c is '{' or '(' or '[')
            {
                if (++_depth > MaxDepth) throw Error($"brackets nested more than {MaxDepth} deep");
                object value = c == '{' ? ParseDict() : ParseSequence(c == '(' ? ')' : ']');
                _depth--;
                return value;
            }
            if (c is '\'' or '"') return ParseString();
            if (c == '-' || char.IsAsciiDigit(c)) return ParseInteger();
            if (char.IsAsciiLetter(c))
            {
                var start = _position;
                while (_position < text.Length && (char.IsAsciiLetterOrDigit(text[_position]) || text[_position] == '_')) _position++;
                var word = text[start.._position];
                return word switch
                {
                    "True" => true,
                    "False" => false,
                    "None" => null,
                    _ => throw Error($"unknown name {Excerpt.Quote(word)}"),
                };
            }
            throw Error($"unexpected {Excerpt.Quote(c)}");
        }

        private Dictionary<string, object?> ParseDict()
        {
            _position++; // '{'
            var dictionary = new Dictionary<string, object?>(StringComparer.Ordinal);
            while (true)
            {
                SkipWhitespace();
                if (TryConsume('}')) return dictionary;
                SkipWhitespace();
                if (_position >= text.Length || text[_position] is not ('\'' or '"')) throw Error("expected a quoted key");
                var key = ParseString();
                SkipWhitespace();
                if (!TryConsume(':')) throw Error($"expected ':' after the key {Excerpt.Quote(key)}");
                if (!dictionary.TryAdd(key, ParseValue())) throw Error($"the key {Excerpt.Quote(key)} appears twice");
                SkipWhitespace();
                if (TryConsume('}')) return dictionary;
                if (!TryConsume(',')) throw Error("expected ',' or '}'");
            }
        }

        private List<object?> ParseSequence(char close)
        {
            _position++; // '(' or '['
            var items = new List<object?>();
            while (true)
            {
                SkipWhitespace();
                if (TryConsume(close)) return items;
                items.Add(ParseValue());
                SkipWhitespace();
                if (TryConsume(close)) return items;
                if (!TryConsume(',')) throw Error($"expected ',' or '{close}'");
            }
        }

        private string ParseString()
        {
            var quote = text[_position++];
            var builder = new StringBuilder();
            while (_position < text.Length && text[_position] != quote)
            {
                // Backslash escapes only matter for quotes and backslashes; numpy never writes anything else.
                if (text[_position] == '\\' && _position + 1 < text.Length) _position++;
                builder.Append(text[_position++]);
            }
            if (!TryConsume(quote)) throw Error("unterminated string");
            return builder.ToString();
        }

        private long ParseInteger()
        {
            var start = _position;
            if (text[_position] == '-') _position++;
            while (_position < text.Length && char.IsAsciiDigit(text[_position])) _position++;
            var digits = text[start.._position];
            if (!long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
                throw Error($"{Excerpt.Quote(digits)} is not an integer that fits in 64 bits");
            // Python 2 era files write long integers with an 'L' suffix, e.g. (3L, 4L).
            if (_position < text.Length && text[_position] is 'L' or 'l') _position++;
            return value;
        }

        private bool TryConsume(char c)
        {
            if (_position >= text.Length || text[_position] != c) return false;
            _position++;
            return true;
        }

        private void SkipWhitespace()
        {
            while (_position < text.Length && char.IsWhiteSpace(text[_position])) _position++;
        }
    }
}
