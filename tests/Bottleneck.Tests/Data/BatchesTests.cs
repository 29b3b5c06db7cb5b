using Bottleneck.Data;
using Xunit;

namespace Bottleneck.Tests.Data;

/// <summary>The one batch loop: ranges that cover every item once, in order, the last one shorter.</summary>
public class BatchesTests
{
    [Fact]
    public void Ten_items_in_fours_are_three_ranges_the_last_of_two()
    {
        Assert.Equal([(0, 4), (4, 4), (8, 2)], Batches.Of(10, 4).ToArray());
        Assert.Equal([(0, 5), (5, 5)], Batches.Of(10, 5).ToArray());
        Assert.Equal([(0, 3)], Batches.Of(3, 100).ToArray());
        Assert.Empty(Batches.Of(0, 7));
    }

    [Fact]
    public void Every_item_is_covered_once_for_any_total_and_size()
    {
        for (int total = 0; total <= 40; total++)
            for (int size = 1; size <= 12; size++)
            {
                var covered = Batches.Of(total, size).SelectMany(r => Enumerable.Range(r.Start, r.Count)).ToArray();
                Assert.Equal(Enumerable.Range(0, total), covered);
                Assert.All(Batches.Of(total, size), r => Assert.InRange(r.Count, 1, size));
            }
    }

    [Fact]
    public void Ranges_near_the_largest_int_do_not_overflow()
    {
        // start + size passes int.MaxValue after the first range: an int loop counter would wrap to a negative start.
        int size = int.MaxValue / 2 + 1;
        Assert.Equal([(0, size), (size, int.MaxValue - size)], Batches.Of(int.MaxValue, size).ToArray());
        Assert.Equal([(0L, 3L), (3L, 2L)], Batches.Of(5L, 3L).ToArray());
    }

    [Fact]
    public void A_batch_of_no_items_or_a_negative_total_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Batches.Of(10, 0).ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => Batches.Of(-1, 4).ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => Batches.Of(10L, -2L).ToArray());
    }
}
