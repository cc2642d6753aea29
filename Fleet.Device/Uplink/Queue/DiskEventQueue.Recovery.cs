using System.Buffers.Binary;
using System.Globalization;
using Fleet.Device.Storage;

namespace Fleet.Device.Uplink.Queue;

/// <content>Recovery on open: state file, segment scan, torn-tail truncation, bound re-applied.</content>
internal sealed partial class DiskEventQueue
{
    private void LoadState()
    {
        var path = Path.Combine(_directory, StateFile);
        if (!File.Exists(path))
        {
            return;
        }

        foreach (var line in File.ReadAllLines(path))
        {
            var parts = line.Split('=', 2);
            if (parts.Length == 2 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                switch (parts[0])
                {
                    case "acknowledged":
                        _acknowledged = value;
                        break;
                    case "dropped":
                        DroppedCount = value;
                        break;
                }
            }
        }
    }

    private void Recover()
    {
        foreach (var temp in Directory.EnumerateFiles(_directory, AtomicFile.TempPrefix + "*"))
        {
            AtomicFile.TryDelete(temp);
        }

        LoadState();
        var files = Directory.EnumerateFiles(_directory, "*" + SegmentExtension)
            .Select(p => (Path: p, First: long.TryParse(Path.GetFileNameWithoutExtension(p), NumberStyles.None, CultureInfo.InvariantCulture, out var f) ? f : -1))
            .Where(s => s.First > 0)
            .OrderBy(s => s.First)
            .ToList();
        var expected = files.Count > 0 ? files[0].First : _acknowledged + 1;
        foreach (var (path, first) in files)
        {
            if (first != expected)
            {
                // A gap means records were lost with a corrupt segment; resume numbering at this segment.
                expected = first;
            }

            var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
            var segment = new QueueSegment(path, first, handle, 0);
            _segments.Add(segment);
            var content = File.ReadAllBytes(path);
            var offset = 0;
            while (TryReadRecord(content, offset, expected, out var length))
            {
                var size = HeaderBytes + length;
                if (expected > _acknowledged)
                {
                    _entries.Enqueue(new Entry(expected, segment, offset, length));
                    _bytes += size;
                }

                segment.LastSequence = expected;
                offset += size;
                expected++;
            }

            segment.Length = offset;
            if (offset < content.Length)
            {
                DiscardedBytes += content.Length - offset;
                RandomAccess.SetLength(handle, offset);
                RandomAccess.FlushToDisk(handle);
            }
        }

        _nextSequence = Math.Max(expected, _acknowledged + 1);
        _acknowledged = Math.Max(_acknowledged, _entries.Count > 0 ? _entries.Peek().Sequence - 1 : _nextSequence - 1);
        DeleteConsumedSegments();
        if (_segments.Count == 1 && _segments[0].LastSequence <= _acknowledged && _segments[0].FirstSequence != _nextSequence)
        {
            // The only segment is fully consumed; start the next append in a fresh one.
            _segments[0].Dispose();
            File.Delete(_segments[0].Path);
            _segments.Clear();
        }

        var dropped = false;
        while (_entries.Count > 0 && (_entries.Count > _options.MaxCount || _bytes > _options.MaxBytes))
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
    }

    private static bool TryReadRecord(ReadOnlySpan<byte> content, int offset, long expectedSequence, out int length)
    {
        length = 0;
        if (content.Length - offset < HeaderBytes)
        {
            return false;
        }

        var header = content.Slice(offset, HeaderBytes);
        var declared = BinaryPrimitives.ReadUInt32LittleEndian(header);
        if (declared > (uint)(content.Length - offset - HeaderBytes)
            || BinaryPrimitives.ReadInt64LittleEndian(header[4..]) != expectedSequence)
        {
            return false;
        }

        var record = content.Slice(offset, HeaderBytes + (int)declared);
        if (Checksum(record) != BinaryPrimitives.ReadUInt32LittleEndian(header[12..]))
        {
            return false;
        }

        length = (int)declared;
        return true;
    }
}
