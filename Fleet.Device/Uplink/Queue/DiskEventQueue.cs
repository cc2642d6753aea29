using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Fleet.Device.Storage;
using Fleet.Shared.Health;

namespace Fleet.Device.Uplink.Queue;

/// <summary>A bounded on-disk FIFO of QoS 1 events, kept while the device is offline and drained once it reconnects.</summary>
/// <remarks>
/// <para>Records are appended to segment files (<c>{firstSequence:D20}.seg</c>), each framed as
/// <c>[u32 length][u64 sequence][u32 CRC-32C of length, sequence and payload][payload]</c>, little-endian.
/// Sequences start at 1 and increase by one per record. A <c>state</c> file (written atomically) holds
/// the acknowledged sequence and the drop count.</para>
/// <para>Recovery on <see cref="Open"/> reads every segment and stops a segment at the first record whose
/// frame or CRC is wrong — a torn tail after a crash — truncating the file there, so appends continue
/// on a clean end. Delivery is at-least-once: an acknowledgement lost in a crash redelivers.</para>
/// <para>Bound: when a new record would exceed <see cref="DiskQueueOptions.MaxBytes"/> or
/// <see cref="DiskQueueOptions.MaxCount"/>, the oldest records are dropped (counted in
/// <see cref="DroppedCount"/>): fresh events matter more than old ones. Thread-safe.</para>
/// </remarks>
internal sealed partial class DiskEventQueue : IDisposable
{
    public const int HeaderBytes = 16;
    public const string SegmentExtension = ".seg";
    private const string StateFile = "state";

    private readonly string _directory;
    private readonly DiskQueueOptions _options;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<QueueSegment> _segments = [];
    private readonly Queue<Entry> _entries = new();
    private long _acknowledged;
    private long _nextSequence;
    private long _bytes;
    private bool _disposed;

    private DiskEventQueue(string directory, DiskQueueOptions options)
    {
        _directory = directory;
        _options = options;
    }

    /// <summary>Events dropped (oldest first) to stay within the bound, over the queue's lifetime.</summary>
    public long DroppedCount { get; private set; }

    /// <summary>Bytes of torn or corrupt records discarded by recovery when this queue was opened.</summary>
    public long DiscardedBytes { get; private set; }

    /// <summary>Unacknowledged events.</summary>
    public int Count
    {
        get
        {
            _gate.Wait();
            try
            {
                return _entries.Count;
            }
            finally
            {
                _gate.Release();
            }
        }
    }

    /// <summary>Size of the unacknowledged records on disk, headers included.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>The highest acknowledged (or dropped) sequence.</summary>
    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    /// <summary>Opens (creating if needed) the queue in <paramref name="directory"/>, recovering from a crash.</summary>
    public static DiskEventQueue Open(string directory, DiskQueueOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var queue = new DiskEventQueue(Path.GetFullPath(directory), (options ?? DiskQueueOptions.Default).Validate());
        Directory.CreateDirectory(queue._directory);
        queue.Recover();
        return queue;
    }

    /// <summary>Appends an event; returns its sequence number. Drops the oldest events if the bound requires.</summary>
    public async ValueTask<long> EnqueueAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
        await EnqueueManyAsync([payload], cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Appends events in order with one flush for all of them (group commit); returns the last one's sequence
    /// number. Drops the oldest events if the bound requires.
    /// </summary>
    public async ValueTask<long> EnqueueManyAsync(IReadOnlyList<ReadOnlyMemory<byte>> payloads, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payloads);
        ArgumentOutOfRangeException.ThrowIfZero(payloads.Count);
        foreach (var payload in payloads)
        {
            var size = HeaderBytes + (long)payload.Length;
            if (size > _options.MaxBytes || size > _options.SegmentBytes)
            {
                throw new ArgumentOutOfRangeException(nameof(payloads), payload.Length, $"An event of {payload.Length} bytes can never fit the queue's bound.");
            }
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            QueueSegment? unflushed = null;
            var sequence = -1L;
            foreach (var payload in payloads)
            {
                var segment = Append(payload);
                sequence = segment.LastSequence;
                if (unflushed is not null && unflushed != segment)
                {
                    Flush(unflushed);
                }

                unflushed = segment;
            }

            Flush(unflushed!);
            return sequence;
        }
        finally
        {
            _gate.Release();
        }
    }

    private void Flush(QueueSegment segment)
    {
        // A segment whose records were all dropped within this batch is already closed and deleted.
        if (_options.FlushToDisk && !segment.Handle.IsClosed)
        {
            RandomAccess.FlushToDisk(segment.Handle);
        }
    }

    private QueueSegment Append(ReadOnlyMemory<byte> payload)
    {
        var size = HeaderBytes + (long)payload.Length;
        var dropped = false;
        while (_entries.Count > 0 && (_entries.Count + 1 > _options.MaxCount || _bytes + size > _options.MaxBytes))
        {
            var oldest = _entries.Dequeue();
            _bytes -= oldest.Size;
            _acknowledged = oldest.Sequence;
            DroppedCount++;
            dropped = true;
        }

        if (dropped)
        {
            SaveState();
            DeleteConsumedSegments();
        }

        var segment = WritableSegment(size);
        var sequence = _nextSequence;
        var record = Frame(sequence, payload.Span);
        RandomAccess.Write(segment.Handle, record, segment.Length);
        _entries.Enqueue(new Entry(sequence, segment, segment.Length, payload.Length));
        segment.Length += record.Length;
        segment.LastSequence = sequence;
        _bytes += size;
        _nextSequence++;
        return segment;
    }

    /// <summary>Up to <paramref name="maxCount"/> of the oldest unacknowledged events (at least one if any, else within <paramref name="maxBytes"/>), without removing them.</summary>
    public IReadOnlyList<QueuedEvent> PeekBatch(int maxCount, long maxBytes = long.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        _gate.Wait();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var batch = new List<QueuedEvent>(Math.Min(maxCount, _entries.Count));
            long bytes = 0;
            foreach (var entry in _entries)
            {
                if (batch.Count == maxCount || (batch.Count > 0 && bytes + entry.Length > maxBytes))
                {
                    break;
                }

                var payload = new byte[entry.Length];
                RandomAccess.Read(entry.Segment.Handle, payload, entry.Offset + HeaderBytes);
                batch.Add(new QueuedEvent(entry.Sequence, payload));
                bytes += entry.Length;
            }

            return batch;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Removes every event with a sequence up to and including <paramref name="upToSequence"/>.</summary>
    public void Acknowledge(long upToSequence)
    {
        _gate.Wait();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            upToSequence = Math.Min(upToSequence, _nextSequence - 1);
            if (upToSequence <= _acknowledged)
            {
                return;
            }

            while (_entries.Count > 0 && _entries.Peek().Sequence <= upToSequence)
            {
                _bytes -= _entries.Dequeue().Size;
            }

            _acknowledged = upToSequence;
            SaveState();
            DeleteConsumedSegments();
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _gate.Wait();
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (var segment in _segments)
            {
                segment.Dispose();
            }

            _segments.Clear();
        }
        finally
        {
            _gate.Release();
        }

        _gate.Dispose();
    }

    private static byte[] Frame(long sequence, ReadOnlySpan<byte> payload)
    {
        var record = new byte[HeaderBytes + payload.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)payload.Length);
        BinaryPrimitives.WriteInt64LittleEndian(record.AsSpan(4), sequence);
        payload.CopyTo(record.AsSpan(HeaderBytes));
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(12), Checksum(record));
        return record;
    }

    private static uint Checksum(ReadOnlySpan<byte> record) =>
        ~Crc32C.Append(Crc32C.Append(~0u, record[..12]), record[HeaderBytes..]);

    private QueueSegment WritableSegment(long size)
    {
        if (_segments.Count > 0 && _segments[^1].Length + size <= _options.SegmentBytes)
        {
            return _segments[^1];
        }

        var path = Path.Combine(_directory, QueueSegment.FileName(_nextSequence));
        var handle = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read);
        var segment = new QueueSegment(path, _nextSequence, handle, 0);
        _segments.Add(segment);
        DirectorySync.Flush(_directory);
        return segment;
    }

    private void DeleteConsumedSegments()
    {
        // A segment goes once every record in it is acknowledged and it is not the one being appended to.
        while (_segments.Count > 1 && _segments[0].LastSequence <= _acknowledged)
        {
            _segments[0].Dispose();
            File.Delete(_segments[0].Path);
            _segments.RemoveAt(0);
        }
    }

    private void SaveState() =>
        AtomicFile.Write(Path.Combine(_directory, StateFile), Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"acknowledged={_acknowledged}\ndropped={DroppedCount}\n")));

    private readonly record struct Entry(long Sequence, QueueSegment Segment, long Offset, int Length)
    {
        public long Size => HeaderBytes + (long)Length;
    }
}
