using System.Buffers.Binary;

namespace Fleet.Shared.Mqtt.Queue;

/// <summary>
/// An outbound queue backed by an append-only log file, so queued messages survive a process
/// restart or power loss. Enqueue and remove each append one checksummed record; opening replays
/// the log and drops a torn tail. The log is truncated when the queue empties and rewritten when
/// mostly dead.
/// </summary>
/// <remarks>Messages are also held in memory for peeking, so the queue is bounded by memory, not disk.</remarks>
public sealed class FileMqttOutboundQueue : IMqttOutboundQueue
{
    private const byte EnqueueRecord = 1;
    private const byte RemoveRecord = 2;
    private const int HeaderSize = 4 + 1 + 8;
    private const long CompactionThreshold = 4 * 1024 * 1024;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SortedDictionary<long, (MqttApplicationMessage Message, int Size)> _messages = [];
    private readonly string _path;
    private readonly bool _flushToDisk;
    private FileStream _file;
    private long _next = 1;
    private long _liveBytes;

    private FileMqttOutboundQueue(string path, bool flushToDisk, FileStream file)
    {
        _path = path;
        _flushToDisk = flushToDisk;
        _file = file;
    }

    /// <inheritdoc />
    public int Count
    {
        get
        {
            _gate.Wait();
            try
            {
                return _messages.Count;
            }
            finally
            {
                _gate.Release();
            }
        }
    }

    /// <summary>Opens (or creates) the queue at <paramref name="path"/> and replays what it holds.</summary>
    /// <param name="path">Log file path; its directory is created if needed.</param>
    /// <param name="flushToDisk">fsync every record (durable across power loss; slower).</param>
    public static FileMqttOutboundQueue Open(string path, bool flushToDisk = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 4096, FileOptions.None);
        var queue = new FileMqttOutboundQueue(path, flushToDisk, file);
        queue.Replay();
        return queue;
    }

    /// <inheritdoc />
    public async ValueTask<long> EnqueueAsync(MqttApplicationMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var body = new MemoryStream();
        using (var writer = new BinaryWriter(body, MqttMessageSerializer.Encoding, leaveOpen: true))
        {
            MqttMessageSerializer.Write(writer, message);
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var sequence = _next++;
            var size = await AppendAsync(EnqueueRecord, sequence, body.GetBuffer().AsMemory(0, (int)body.Length), cancellationToken).ConfigureAwait(false);
            _messages.Add(sequence, (message, size));
            _liveBytes += size;
            return sequence;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<MqttQueuedMessage>> PeekAsync(int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return [.. _messages.Take(maxCount).Select(m => new MqttQueuedMessage(m.Key, m.Value.Message))];
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask RemoveAsync(long sequence, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_messages.Remove(sequence, out var removed))
            {
                return;
            }

            _liveBytes -= removed.Size;
            if (_messages.Count == 0)
            {
                _file.SetLength(0);
                _liveBytes = 0;
                Flush();
            }
            else
            {
                await AppendAsync(RemoveRecord, sequence, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
                if (_file.Length > CompactionThreshold && _liveBytes < _file.Length / 2)
                {
                    await CompactAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _file.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }

    private async ValueTask<int> AppendAsync(byte kind, long sequence, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var record = new byte[HeaderSize + body.Length + 4];
        Encode(record, kind, sequence, body.Span);
        _file.Seek(0, SeekOrigin.End);
        await _file.WriteAsync(record, cancellationToken).ConfigureAwait(false);
        Flush();
        return record.Length;
    }

    private void Flush() => _file.Flush(flushToDisk: _flushToDisk);

    private static void Encode(Span<byte> record, byte kind, long sequence, ReadOnlySpan<byte> body)
    {
        BinaryPrimitives.WriteInt32LittleEndian(record, body.Length);
        record[4] = kind;
        BinaryPrimitives.WriteInt64LittleEndian(record[5..], sequence);
        body.CopyTo(record[HeaderSize..]);
        BinaryPrimitives.WriteUInt32LittleEndian(record[(HeaderSize + body.Length)..], Checksum(record[4..(HeaderSize + body.Length)]));
    }

    /// <summary>FNV-1a over kind, sequence and body: enough to detect a torn or garbled tail.</summary>
    private static uint Checksum(ReadOnlySpan<byte> data)
    {
        var hash = 2166136261u;
        foreach (var b in data)
        {
            hash = (hash ^ b) * 16777619u;
        }

        return hash;
    }

    private void Replay()
    {
        var bytes = new byte[_file.Length];
        _file.Position = 0;
        _file.ReadExactly(bytes);
        var position = 0;
        while (position + HeaderSize + 4 <= bytes.Length)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(position));
            if (length < 0 || position + HeaderSize + length + 4 > bytes.Length)
            {
                break;
            }

            var checksum = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(position + HeaderSize + length));
            if (checksum != Checksum(bytes.AsSpan(position + 4, HeaderSize - 4 + length)))
            {
                break;
            }

            var kind = bytes[position + 4];
            var sequence = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(position + 5));
            var size = HeaderSize + length + 4;
            if (kind == EnqueueRecord)
            {
                using var reader = new BinaryReader(new MemoryStream(bytes, position + HeaderSize, length), MqttMessageSerializer.Encoding);
                _messages[sequence] = (MqttMessageSerializer.Read(reader), size);
                _liveBytes += size;
            }
            else if (_messages.Remove(sequence, out var removed))
            {
                _liveBytes -= removed.Size;
            }

            _next = Math.Max(_next, sequence + 1);
            position += size;
        }

        // A torn or corrupt tail (crash mid-append) is cut off so new records follow valid ones.
        if (position < bytes.Length)
        {
            _file.SetLength(position);
            Flush();
        }
    }

    private async Task CompactAsync(CancellationToken cancellationToken)
    {
        var temporary = _path + ".compact";
        await using (var target = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            foreach (var (sequence, entry) in _messages)
            {
                using var body = new MemoryStream();
                using (var writer = new BinaryWriter(body, MqttMessageSerializer.Encoding, leaveOpen: true))
                {
                    MqttMessageSerializer.Write(writer, entry.Message);
                }

                var record = new byte[HeaderSize + (int)body.Length + 4];
                Encode(record, EnqueueRecord, sequence, body.GetBuffer().AsSpan(0, (int)body.Length));
                await target.WriteAsync(record, cancellationToken).ConfigureAwait(false);
            }

            target.Flush(flushToDisk: _flushToDisk);
        }

        await _file.DisposeAsync().ConfigureAwait(false);
        File.Move(temporary, _path, overwrite: true);
        _file = new FileStream(_path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        _liveBytes = _file.Length;
    }
}
