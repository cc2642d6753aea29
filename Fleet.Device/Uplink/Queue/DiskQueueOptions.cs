namespace Fleet.Device.Uplink.Queue;

/// <summary>Bounds and durability of a <see cref="DiskEventQueue"/>.</summary>
/// <param name="MaxBytes">Largest total size of unacknowledged records (headers included); the oldest are dropped beyond it.</param>
/// <param name="MaxCount">Most unacknowledged records; the oldest are dropped beyond it.</param>
/// <param name="SegmentBytes">A segment file is closed and a new one started once it would grow past this.</param>
/// <param name="FlushToDisk">fsync after every append (survives power loss, not only process death).</param>
internal sealed record DiskQueueOptions(long MaxBytes, int MaxCount, int SegmentBytes, bool FlushToDisk)
{
    /// <summary>8 MiB or 50 000 events, 1 MiB segments, fsync on append.</summary>
    public static DiskQueueOptions Default { get; } = new(8L << 20, 50_000, 1 << 20, FlushToDisk: true);

    public DiskQueueOptions Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBytes, DiskEventQueue.HeaderBytes + 1, nameof(MaxBytes));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxCount, nameof(MaxCount));
        ArgumentOutOfRangeException.ThrowIfLessThan(SegmentBytes, DiskEventQueue.HeaderBytes + 1, nameof(SegmentBytes));
        return this;
    }
}
