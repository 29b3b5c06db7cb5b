using Bottleneck.Reporting;
using SkiaSharp;
using Xunit;

namespace Bottleneck.Tests.Reporting;

public class ImageGridTests
{
    private const int Side = 4;
    private const int Scale = 5;
    private const int Cell = Side * Scale;

    private static float[] Filled(float value) => Enumerable.Repeat(value, Side * Side).ToArray();

    [Fact]
    public void Size_follows_from_cells_gaps_and_margins()
    {
        var rows = new[]
        {
            new GridRow("", [Filled(0), Filled(1), Filled(0.5f)]),
            new GridRow("", [Filled(1)]),
        };

        using var image = RenderedImage.Decode(ImageGrid.RenderPng("", rows, Side, Side, scale: Scale));

        Assert.Equal(2 * ImageGrid.Margin + 3 * Cell + 2 * ImageGrid.ImageGap, image.Width);
        Assert.Equal(2 * ImageGrid.Margin + 2 * Cell + ImageGrid.RowGap, image.Height);
    }

    [Fact]
    public void Title_and_captions_add_their_bands_to_the_height()
    {
        var rows = new[]
        {
            new GridRow("Original", [Filled(0), Filled(1)], ["Label: 7", "Label: 1"]),
            new GridRow("Reconstructed", [Filled(0), Filled(1)]),
        };

        using var image = RenderedImage.Decode(ImageGrid.RenderPng("Figure", rows, Side, Side, scale: Scale));

        Assert.Equal(2 * ImageGrid.Margin + ImageGrid.TitleBand + ImageGrid.CaptionBand + 2 * Cell + ImageGrid.RowGap, image.Height);
    }

    [Fact]
    public void A_subtitle_adds_its_band_under_the_title()
    {
        var rows = new[] { new GridRow("", [Filled(0), Filled(1)]) };

        using var image = RenderedImage.Decode(ImageGrid.RenderPng("Figure", rows, Side, Side, scale: Scale, subtitle: "blue < 0 < red"));

        Assert.Equal(2 * ImageGrid.Margin + ImageGrid.TitleBand + ImageGrid.SubtitleBand + Cell, image.Height);
        var subtitle = SKRectI.Create(0, ImageGrid.Margin + ImageGrid.TitleBand, image.Width, ImageGrid.SubtitleBand);
        Assert.True(image.Count(subtitle, c => c.Red < 160) > 20, "no subtitle text in its band");
    }

    [Fact]
    public void Pixel_values_become_grey_levels_clamped_to_black_and_white()
    {
        var rows = new[] { new GridRow("", [Filled(1), Filled(0), Filled(0.5f), Filled(7), Filled(-3), Filled(float.NaN)]) };

        using var image = RenderedImage.Decode(ImageGrid.RenderPng("", rows, Side, Side, scale: Scale));

        byte[] expected = [255, 0, 128, 255, 0, 0];
        for (var i = 0; i < expected.Length; i++)
        {
            var (x, y) = CellCentre(column: i, top: ImageGrid.Margin, left: ImageGrid.Margin);
            Assert.Equal(new SKColor(expected[i], expected[i], expected[i]), image[x, y]);
        }
    }

    [Fact]
    public void Every_source_pixel_becomes_a_uniform_square_of_scale_by_scale_pixels()
    {
        // A checkerboard: nearest-neighbour scaling keeps its edges sharp, any smoothing would blur them to grey.
        var checkerboard = Enumerable.Range(0, Side * Side).Select(i => (i / Side + i % Side) % 2 == 0 ? 1f : 0f).ToArray();

        using var image = RenderedImage.Decode(ImageGrid.RenderPng("", [new GridRow("", [checkerboard])], Side, Side, scale: Scale));

        for (var y = 0; y < Cell; y++)
            for (var x = 0; x < Cell; x++)
            {
                var white = (y / Scale + x / Scale) % 2 == 0;
                Assert.Equal(white ? SKColors.White : SKColors.Black, image[ImageGrid.Margin + x, ImageGrid.Margin + y]);
            }
    }

    [Fact]
    public void Rgb_images_are_read_channels_last()
    {
        var red = Enumerable.Range(0, Side * Side * 3).Select(i => i % 3 == 0 ? 1f : 0f).ToArray();
        var teal = Enumerable.Range(0, Side * Side * 3).Select(i => i % 3 == 0 ? 0f : 0.5f).ToArray();

        using var image = RenderedImage.Decode(ImageGrid.RenderPng("", [new GridRow("", [red, teal])], Side, Side, channels: 3, scale: Scale));

        var (x0, y0) = CellCentre(0, ImageGrid.Margin, ImageGrid.Margin);
        var (x1, y1) = CellCentre(1, ImageGrid.Margin, ImageGrid.Margin);
        Assert.Equal(new SKColor(255, 0, 0), image[x0, y0]);
        Assert.Equal(new SKColor(0, 128, 128), image[x1, y1]);
    }

    [Fact]
    public void Title_row_titles_and_captions_are_drawn_as_text()
    {
        // Cells wide enough for the captions and a grid wider than the title, so the grid ends at the right margin.
        const int scale = 20, cell = Side * scale;
        var rows = new[]
        {
            new GridRow("Original", [Filled(0), Filled(1)], ["Label: 7", "MSE: 0.0123"]),
            new GridRow("Noisy", [Filled(0.5f)]),
        };

        using var image = RenderedImage.Decode(ImageGrid.RenderPng("Digits", rows, Side, Side, scale: scale));

        var gridLeft = image.Width - ImageGrid.Margin - 2 * cell - ImageGrid.ImageGap;
        var firstRowTop = ImageGrid.Margin + ImageGrid.TitleBand + ImageGrid.CaptionBand;
        var secondRowTop = firstRowTop + cell + ImageGrid.RowGap;
        Assert.Equal(SKColors.Black, image[gridLeft, firstRowTop]);
        Assert.Equal(SKColors.White, image[gridLeft - 1, firstRowTop]);
        Assert.Equal(new SKColor(128, 128, 128), image[gridLeft + cell / 2, secondRowTop + cell / 2]);

        var title = SKRectI.Create(0, ImageGrid.Margin, image.Width, ImageGrid.TitleBand - 6);
        var captions = SKRectI.Create(gridLeft, firstRowTop - ImageGrid.CaptionBand, 2 * cell + ImageGrid.ImageGap, ImageGrid.CaptionBand);
        var firstRowTitle = SKRectI.Create(0, firstRowTop, gridLeft, cell);
        var secondRowTitle = SKRectI.Create(0, secondRowTop, gridLeft, cell);
        Assert.True(image.CountDark(title) > 30, "the figure title has no dark pixels");
        Assert.True(image.CountDark(captions) > 30, "the captions have no dark pixels");
        Assert.True(image.CountDark(firstRowTitle) > 30, "the first row's title has no dark pixels");
        Assert.True(image.CountDark(secondRowTitle) > 30, "the second row's title has no dark pixels");
    }

    [Fact]
    public void Rows_may_hold_different_numbers_of_images()
    {
        var rows = new[] { new GridRow("", [Filled(0.5f), Filled(0.5f), Filled(0.5f)]), new GridRow("", [Filled(0)]) };

        using var image = RenderedImage.Decode(ImageGrid.RenderPng("", rows, Side, Side, scale: Scale));

        var secondRowTop = ImageGrid.Margin + Cell + ImageGrid.RowGap;
        var (x0, y0) = CellCentre(column: 0, top: secondRowTop, left: ImageGrid.Margin);
        var (x1, y1) = CellCentre(column: 1, top: secondRowTop, left: ImageGrid.Margin);
        Assert.Equal(SKColors.Black, image[x0, y0]);
        Assert.Equal(SKColors.White, image[x1, y1]);
        Assert.Equal(2 * ImageGrid.Margin + 3 * Cell + 2 * ImageGrid.ImageGap, image.Width);
    }

    [Fact]
    public void An_image_of_the_wrong_length_is_bad_input()
    {
        var rows = new[] { new GridRow("Original", [Filled(0), new float[Side * Side - 1]]) };

        var error = Assert.Throws<BadInputException>(() => ImageGrid.RenderPng("", rows, Side, Side));

        Assert.Contains("image 1", error.Message);
        Assert.Contains($"expected {Side * Side}", error.Message);
    }

    [Fact]
    public void Rgb_images_need_three_values_per_pixel()
    {
        var rows = new[] { new GridRow("", [Filled(0)]) };

        Assert.Throws<BadInputException>(() => ImageGrid.RenderPng("", rows, Side, Side, channels: 3));
    }

    [Fact]
    public void Captions_must_match_the_images_one_to_one()
    {
        var rows = new[] { new GridRow("", [Filled(0), Filled(1)], ["only one"]) };

        Assert.Throws<BadInputException>(() => ImageGrid.RenderPng("", rows, Side, Side));
    }

    [Fact]
    public void A_grid_without_images_is_bad_input()
    {
        Assert.Throws<BadInputException>(() => ImageGrid.RenderPng("", [], Side, Side));
        Assert.Throws<BadInputException>(() => ImageGrid.RenderPng("", [new GridRow("Empty", [])], Side, Side));
    }

    [Fact]
    public void SavePng_writes_the_file_atomically()
    {
        using var folder = new TempFolder();
        var path = folder.File("nested/grid.png");
        var rows = new[] { new GridRow("Original", [Filled(0), Filled(1)], ["a", "b"]) };

        ImageGrid.SavePng(path, "Grid", rows, Side, Side, scale: Scale);

        Assert.True(File.Exists(path));
        Assert.Empty(folder.TemporaryFiles());
        using var image = RenderedImage.Load(path);
        Assert.Equal(2 * ImageGrid.Margin + ImageGrid.TitleBand + ImageGrid.CaptionBand + Cell, image.Height);
        Assert.Equal(ImageGrid.RenderPng("Grid", rows, Side, Side, scale: Scale), File.ReadAllBytes(path));
    }

    [Fact]
    public void Many_images_wrap_into_lines_within_the_maximum_width()
    {
        // 200 MNIST-sized images above 200 partners, no titles or captions: 84-pixel cells 4 apart, so
        // 12 + 17·84 + 16·4 + 12 = 1,516 ≤ 1,600 < 1,604 (18 columns): 17 a line, 12 lines (11 full, 13 left), 24 rows.
        const int side = 28, scale = 3, cell = side * scale;
        var images = Enumerable.Range(0, 200).Select(i => Enumerable.Repeat(i / 200f, side * side).ToArray()).ToArray();
        GridRow[] band = [new GridRow("", images), new GridRow("", images)];

        using var image = RenderedImage.Decode(ImageGrid.RenderWrappedPng("", [band], side, side, scale: scale));

        Assert.Equal(2 * ImageGrid.Margin + 17 * cell + 16 * ImageGrid.ImageGap, image.Width);
        Assert.Equal(1_516, image.Width);
        Assert.Equal(2 * ImageGrid.Margin + 24 * cell + 23 * ImageGrid.RowGap, image.Height);
        // Image 17 opens the second line of the first row (the third row of the figure): grey level 17/200.
        var (x, y) = (ImageGrid.Margin + cell / 2, ImageGrid.Margin + 2 * (cell + ImageGrid.RowGap) + cell / 2);
        Assert.Equal((byte)MathF.Round(17 / 200f * 255), image[x, y].Red);
    }

    [Fact]
    public void Lines_are_as_even_as_they_can_be()
    {
        // 20 MNIST-sized images fit 17 a line (see above): two lines are needed, and they hold 10 each.
        const int side = 28, scale = 3, cell = side * scale;
        var images = Enumerable.Range(0, 20).Select(_ => Enumerable.Repeat(1f, side * side).ToArray()).ToArray();

        using var image = RenderedImage.Decode(ImageGrid.RenderWrappedPng("", [[new GridRow("", images)]], side, side, scale: scale));

        Assert.Equal(2 * ImageGrid.Margin + 10 * cell + 9 * ImageGrid.ImageGap, image.Width);
        Assert.Equal(2 * ImageGrid.Margin + 2 * cell + ImageGrid.RowGap, image.Height);
    }

    [Fact]
    public void A_short_band_stays_one_line_as_before()
    {
        var rows = new[] { new GridRow("Original", [Filled(0), Filled(1)], ["a", "b"]), new GridRow("Reconstructed", [Filled(1), Filled(0)]) };

        Assert.Equal(ImageGrid.RenderPng("Grid", rows, Side, Side, scale: Scale), ImageGrid.RenderWrappedPng("Grid", [rows], Side, Side, scale: Scale));
    }

    [Fact]
    public void Wrapping_keeps_each_image_above_its_partners_and_repeats_the_titles()
    {
        float[][] top = [Filled(0), Filled(0.1f), Filled(0.2f), Filled(0.3f), Filled(0.4f)];
        float[][] bottom = [Filled(1), Filled(0.9f), Filled(0.8f), Filled(0.7f), Filled(0.6f)];
        var lines = ImageGrid.Wrap([new GridRow("In", top, ["0", "1", "2", "3", "4"]), new GridRow("Out", bottom)], columns: 2);

        Assert.Equal(["In", "Out", "In", "Out", "In", "Out"], lines.Select(l => l.Title));
        Assert.Equal([2, 2, 2, 2, 1, 1], lines.Select(l => l.Images.Count));
        Assert.Same(top[2], lines[2].Images[0]);
        Assert.Same(bottom[2], lines[3].Images[0]);
        Assert.Equal(["4"], lines[4].Captions!);
        Assert.Null(lines[5].Captions);
    }

    [Fact]
    public void Wrapped_figures_hold_a_bounded_number_of_images()
    {
        var images = Enumerable.Repeat(Filled(0), ImageGrid.MaxWrappedImages + 1).ToArray();
        Assert.Throws<BadInputException>(() => ImageGrid.RenderWrappedPng("", [[new GridRow("", images)]], Side, Side));
        Assert.Throws<ArgumentException>(() => ImageGrid.RenderWrappedPng("", [[new GridRow("", [Filled(0)]), new GridRow("", [Filled(0), Filled(1)])]], Side, Side));
    }

    private static (int X, int Y) CellCentre(int column, int top, int left) =>
        (left + column * (Cell + ImageGrid.ImageGap) + Cell / 2, top + Cell / 2);
}
