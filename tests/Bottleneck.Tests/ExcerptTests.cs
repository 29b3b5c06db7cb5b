using Xunit;

namespace Bottleneck.Tests;

public class ExcerptTests
{
    [Theory]
    [InlineData("0.5", "'0.5'")]
    [InlineData("a\nb\r\tc", @"'a\nb\r\tc'")]
    [InlineData("\u001b[31mred", @"'\u001B[31mred'")]
    [InlineData("\u009b2J", @"'\u009B2J'")]                       // C1 control-sequence introducer
    [InlineData("abc\u202Eevil", @"'abc\u202Eevil'")]              // right-to-left override
    [InlineData("emoji \U0001F600 ok", "'emoji \U0001F600 ok'")]   // a surrogate pair is text
    public void Text_IsQuotedAndEscaped(string text, string expected) => Assert.Equal(expected, Excerpt.Quote(text));

    [Fact]
    public void LongText_IsCutAndCounted()
    {
        Assert.Equal("'abcde...' (26 characters)", Excerpt.Quote("abcdefghijklmnopqrstuvwxyz", 5));
        Assert.Equal("abcde... (26 characters)", Excerpt.Of("abcdefghijklmnopqrstuvwxyz", 5));
        Assert.Equal("'abcdefghijklmnopqrstuvwxyz'", Excerpt.Quote("abcdefghijklmnopqrstuvwxyz", 26));
    }

    [Fact]
    public void ALoneSurrogate_IsEscaped() =>
        // A Fact, not InlineData: attribute arguments cannot carry a lone surrogate intact.
        Assert.Equal(@"'lone \uD800 half'", Excerpt.Quote("lone " + (char)0xD800 + " half"));

    [Fact]
    public void ACut_NeverSplitsASurrogatePair() =>
        Assert.Equal("'ab...' (5 characters)", Excerpt.Quote("ab\U0001F600c", 3));
}
