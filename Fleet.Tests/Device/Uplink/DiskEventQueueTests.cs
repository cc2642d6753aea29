using System.Text;
using Fleet.Device.Uplink.Queue;
using Fleet.Tests.Device.Storage;

namespace Fleet.Tests.Device.Uplink;

public sealed class DiskEventQueueTests : IDisposable
{
    private static readonly DiskQueueOptions Small = new(MaxBytes: 1 << 20, MaxCount: 1_000, SegmentBytes: 256, FlushToDisk: true);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static byte[] Event(int i) => Encoding.UTF8.GetBytes($"{{\"type\":\"heal\",\"id\":\"h-{i}\"}}");

    private static string Text(QueuedEvent e) => Encoding.UTF8.GetString(e.Payload);

    private string[] Segments() => [.. Directory.EnumerateFiles(_dir.Path, "*.seg").Order(StringComparer.Ordinal)];

    [Fact]
    public async Task PeekAndAcknowledge_DeliverInFifoOrder()
    {
        using var queue = DiskEventQueue.Open(_dir.Path, Small);
        for (var i = 1; i <= 5; i++)
        {
            Assert.Equal(i, await queue.EnqueueAsync(Event(i), CancellationToken.None));
        }

        var batch = queue.PeekBatch(3);
        Assert.Equal([1L, 2, 3], batch.Select(e => e.Sequence));
        Assert.Equal(Encoding.UTF8.GetString(Event(1)), Text(batch[0]));
        Assert.Equal(3, queue.PeekBatch(3).Count);

        queue.Acknowledge(batch[^1].Sequence);

        Assert.Equal([4L, 5], queue.PeekBatch(10).Select(e => e.Sequence));
        Assert.Equal(2, queue.Count);
    }

    [Fact]
    public async Task Reopen_KeepsUnacknowledgedEvents_AndContinuesTheSequence()
    {
        using (var queue = DiskEventQueue.Open(_dir.Path, Small))
        {
            for (var i = 1; i <= 30; i++)
            {
                await queue.EnqueueAsync(Event(i), CancellationToken.None);
            }

            queue.Acknowledge(12);
        }

        using var reopened = DiskEventQueue.Open(_dir.Path, Small);
        var pending = reopened.PeekBatch(100);

        Assert.Equal(Enumerable.Range(13, 18).Select(i => (long)i), pending.Select(e => e.Sequence));
        Assert.Equal(Encoding.UTF8.GetString(Event(13)), Text(pending[0]));
        Assert.Equal(31, await reopened.EnqueueAsync(Event(31), CancellationToken.None));
        Assert.Equal(0, reopened.DiscardedBytes);
    }

    [Fact]
    public async Task Acknowledge_DeletesSegmentsWhoseEventsAreAllConsumed()
    {
        using var queue = DiskEventQueue.Open(_dir.Path, Small);
        for (var i = 1; i <= 40; i++)
        {
            await queue.EnqueueAsync(Event(i), CancellationToken.None);
        }

        var before = Segments().Length;
        queue.Acknowledge(35);

        Assert.True(before > 3, $"expected several segments, got {before}");
        Assert.True(Segments().Length < before);
        Assert.Equal([36L, 37, 38, 39, 40], queue.PeekBatch(100).Select(e => e.Sequence));

        queue.Acknowledge(40);
        Assert.Single(Segments());
        Assert.Empty(queue.PeekBatch(10));
    }

    [Fact]
    public async Task Reopen_AfterATornWrite_IgnoresTheTornRecordAndAppendsCleanly()
    {
        using (var queue = DiskEventQueue.Open(_dir.Path, Small with { SegmentBytes = 1 << 16 }))
        {
            for (var i = 1; i <= 5; i++)
            {
                await queue.EnqueueAsync(Event(i), CancellationToken.None);
            }
        }

        // A crash in the middle of the fifth append: its record is cut in half.
        var segment = Assert.Single(Segments());
        var length = new FileInfo(segment).Length;
        using (var file = new FileStream(segment, FileMode.Open))
        {
            file.SetLength(length - (Event(5).Length / 2));
        }

        using (var recovered = DiskEventQueue.Open(_dir.Path, Small with { SegmentBytes = 1 << 16 }))
        {
            Assert.Equal([1L, 2, 3, 4], recovered.PeekBatch(10).Select(e => e.Sequence));
            Assert.True(recovered.DiscardedBytes > 0);
            Assert.Equal(5, await recovered.EnqueueAsync(Event(50), CancellationToken.None));
        }

        using var again = DiskEventQueue.Open(_dir.Path, Small with { SegmentBytes = 1 << 16 });
        var all = again.PeekBatch(10);
        Assert.Equal([1L, 2, 3, 4, 5], all.Select(e => e.Sequence));
        Assert.Equal(Encoding.UTF8.GetString(Event(50)), Text(all[^1]));
        Assert.Equal(0, again.DiscardedBytes);
    }

    [Fact]
    public async Task Reopen_WithAFlippedByteInTheTail_DropsThatRecordByItsChecksum()
    {
        using (var queue = DiskEventQueue.Open(_dir.Path, Small with { SegmentBytes = 1 << 16 }))
        {
            for (var i = 1; i <= 3; i++)
            {
                await queue.EnqueueAsync(Event(i), CancellationToken.None);
            }
        }

        var segment = Assert.Single(Segments());
        var bytes = File.ReadAllBytes(segment);
        bytes[^3] ^= 0x20;
        File.WriteAllBytes(segment, bytes);

        using var recovered = DiskEventQueue.Open(_dir.Path, Small);

        Assert.Equal([1L, 2], recovered.PeekBatch(10).Select(e => e.Sequence));
    }

    [Fact]
    public async Task Bound_ByCount_DropsTheOldestAndCountsThem_AcrossReopen()
    {
        var options = Small with { MaxCount = 3 };
        using (var queue = DiskEventQueue.Open(_dir.Path, options))
        {
            for (var i = 1; i <= 7; i++)
            {
                await queue.EnqueueAsync(Event(i), CancellationToken.None);
            }

            Assert.Equal(4, queue.DroppedCount);
            Assert.Equal([5L, 6, 7], queue.PeekBatch(10).Select(e => e.Sequence));
        }

        using var reopened = DiskEventQueue.Open(_dir.Path, options);
        Assert.Equal(4, reopened.DroppedCount);
        Assert.Equal([5L, 6, 7], reopened.PeekBatch(10).Select(e => e.Sequence));
    }

    [Fact]
    public async Task Bound_ByBytes_DropsTheOldestUntilTheNewEventFits()
    {
        var record = DiskEventQueue.HeaderBytes + 100;
        using var queue = DiskEventQueue.Open(_dir.Path, Small with { MaxBytes = 3 * record, SegmentBytes = 1 << 16 });
        for (var i = 0; i < 3; i++)
        {
            await queue.EnqueueAsync(new byte[100], CancellationToken.None);
        }

        Assert.Equal(0, queue.DroppedCount);
        await queue.EnqueueAsync(new byte[150], CancellationToken.None);

        Assert.Equal(2, queue.DroppedCount);
        Assert.Equal([3L, 4], queue.PeekBatch(10).Select(e => e.Sequence));
        Assert.Equal((2L * DiskEventQueue.HeaderBytes) + 250, queue.Bytes);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await queue.EnqueueAsync(new byte[4 * record], CancellationToken.None));
    }

    [Fact]
    public async Task Reopen_WithASmallerBound_DropsTheOldest()
    {
        using (var queue = DiskEventQueue.Open(_dir.Path, Small))
        {
            for (var i = 1; i <= 10; i++)
            {
                await queue.EnqueueAsync(Event(i), CancellationToken.None);
            }
        }

        using var reopened = DiskEventQueue.Open(_dir.Path, Small with { MaxCount = 4 });

        Assert.Equal(6, reopened.DroppedCount);
        Assert.Equal([7L, 8, 9, 10], reopened.PeekBatch(10).Select(e => e.Sequence));
    }

    [Fact]
    public async Task PeekBatch_RespectsMaxBytes_ButAlwaysReturnsOneEvent()
    {
        using var queue = DiskEventQueue.Open(_dir.Path, Small);
        await queue.EnqueueAsync(new byte[50], CancellationToken.None);
        await queue.EnqueueAsync(new byte[50], CancellationToken.None);

        Assert.Single(queue.PeekBatch(10, maxBytes: 60));
        Assert.Single(queue.PeekBatch(10, maxBytes: 1));
        Assert.Equal(2, queue.PeekBatch(10, maxBytes: 100).Count);
    }

    [Fact]
    public async Task ConcurrentEnqueues_GetDistinctSequences_AndAllSurviveReopen()
    {
        using (var queue = DiskEventQueue.Open(_dir.Path, Small with { FlushToDisk = false }))
        {
            await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(async () =>
            {
                for (var i = 0; i < 50; i++)
                {
                    await queue.EnqueueAsync(Event((t * 100) + i), CancellationToken.None);
                }
            })));
        }

        using var reopened = DiskEventQueue.Open(_dir.Path, Small);
        var all = reopened.PeekBatch(1_000);

        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), all.Select(e => e.Sequence));
        Assert.Equal(200, all.Select(Text).Distinct().Count());
    }
}
