using Bottleneck.Data;
using Xunit;
using static TorchSharp.torch;

namespace Bottleneck.Tests.Data;

/// <summary>
/// The one rule of what an image is (ImageLayout.Of) and the drawable view of it (ImageShape.Of): the two used to
/// disagree on [3, H, W], so training skipped reconstructions.png for channels-first colour data.
/// </summary>
public class ImageShapeTests
{
    [Theory]
    // sample shape       layout: C, H, W, channels last        drawn: width, height, channels, channels first (null: not drawn)
    [InlineData(new long[] { 784 }, 1, 28, 28, false, 28, 28, 1, false)]
    [InlineData(new long[] { 28, 28 }, 1, 28, 28, false, 28, 28, 1, false)]
    [InlineData(new long[] { 32, 24, 3 }, 3, 32, 24, true, 24, 32, 3, false)]
    [InlineData(new long[] { 32, 24, 1 }, 1, 32, 24, true, 24, 32, 1, false)]
    [InlineData(new long[] { 3, 32, 24 }, 3, 32, 24, false, 24, 32, 3, true)]
    [InlineData(new long[] { 1, 32, 24 }, 1, 32, 24, false, 24, 32, 1, false)]
    [InlineData(new long[] { 5, 32, 24 }, 5, 32, 24, false, null, null, null, null)]   // an image, but not one to draw
    public void Image_samples_have_one_layout_and_are_drawn_when_grey_or_colour(long[] sample, int c, int h, int w, bool last,
        int? width, int? height, int? channels, bool? channelsFirst)
    {
        var layout = ImageLayout.Of(sample);
        Assert.NotNull(layout);
        Assert.Equal((c, h, w, last), (layout.Channels, layout.Height, layout.Width, layout.ChannelsLast));
        // The throwing constructor, which convolutional models use, reads the same layout.
        var checkedLayout = new ImageLayout(sample.Select(d => (int)d).ToArray(), "input_shape");
        Assert.Equal((c, h, w, last), (checkedLayout.Channels, checkedLayout.Height, checkedLayout.Width, checkedLayout.ChannelsLast));
        var shape = ImageShape.Of(sample);
        Assert.Equal(width is null ? null : new ImageShape(width.Value, height!.Value, channels!.Value) { ChannelsFirst = channelsFirst!.Value }, shape);
    }

    [Theory]
    [InlineData(new long[] { 10 })]
    [InlineData(new long[] { 1 })]
    [InlineData(new long[] { 2, 3, 4, 5 })]
    public void Other_samples_are_not_images(long[] sample)
    {
        Assert.Null(ImageLayout.Of(sample));
        Assert.Null(ImageShape.Of(sample));
        Assert.Throws<BadInputException>(() => new ImageLayout(sample.Select(d => (int)d).ToArray(), "input_shape"));
    }

    [Fact]
    public void Interleave_puts_each_pixels_colours_side_by_side()
    {
        using var scope = NewDisposeScope();
        var planes = arange(3 * 4 * 5, dtype: ScalarType.Float32).reshape(3, 4, 5);
        // Reference: torch's own permute from [C, H, W] to [H, W, C].
        var expected = planes.permute(1, 2, 0).contiguous().data<float>().ToArray();
        var shape = ImageShape.Of([3, 4, 5])!.Value;
        Assert.Equal(expected, shape.Interleave(planes.contiguous().data<float>().ToArray()));
        var alreadyLast = ImageShape.Of([4, 5, 3])!.Value;
        Assert.Equal(expected, alreadyLast.Interleave(expected));
    }

    [Fact]
    public void Deinterleave_puts_each_colour_in_a_plane_of_its_own()
    {
        using var scope = NewDisposeScope();
        var pixels = arange(4 * 5 * 3, dtype: ScalarType.Float32).reshape(4, 5, 3);
        // Reference: torch's own permute from [H, W, C] to [C, H, W].
        var expected = pixels.permute(2, 0, 1).contiguous().data<float>().ToArray();
        var shape = ImageShape.Of([3, 4, 5])!.Value;
        var stored = pixels.contiguous().data<float>().ToArray();
        Assert.Equal(expected, shape.Deinterleave(stored));
        Assert.Equal(stored, shape.Interleave(shape.Deinterleave(stored)));
        Assert.Throws<ArgumentException>(() => shape.Deinterleave(new float[7]));
    }

    [Fact]
    public void Jpeg_noise_on_channels_first_images_is_jpeg_noise_on_their_channels_last_twins()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(5);
        var last = rand([4, 16, 16, 3], generator: generator);
        var first = last.permute(0, 3, 1, 2).contiguous();
        var noise = new JpegCorruption(30);
        var fromLast = noise.Apply(last);
        var fromFirst = noise.Apply(first).permute(0, 2, 3, 1);
        Assert.True(fromLast.ne(last).any().item<bool>());   // the round trip changed something
        Assert.True(fromFirst.eq(fromLast).all().item<bool>());
    }
}
