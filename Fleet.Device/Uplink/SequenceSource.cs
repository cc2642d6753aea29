using System.Globalization;
using System.Text;
using Fleet.Device.Storage;

namespace Fleet.Device.Uplink;

/// <summary>
/// The per-device monotonic <c>seq</c> shared by every message kind, surviving restarts: blocks of values are
/// reserved on disk (<c>seq</c> file: "epoch reserved") before they are handed out, so a restart resumes above
/// anything ever sent. A lost or unreadable file starts a new epoch at 1 (docs/PROTOCOL.md).
/// </summary>
internal sealed class SequenceSource
{
    private const long Block = 1000;
    private readonly string _path;
    private readonly Lock _gate = new();
    private long _next;
    private long _reserved;

    private SequenceSource(string path, long epoch, long next, long reserved)
    {
        _path = path;
        Epoch = epoch;
        _next = next;
        _reserved = reserved;
    }

    public long Epoch { get; }

    public static SequenceSource Open(string path, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        long epoch, reserved;
        try
        {
            var parts = File.ReadAllText(path, Encoding.ASCII).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            epoch = long.Parse(parts[0], CultureInfo.InvariantCulture);
            reserved = long.Parse(parts[1], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or FormatException or IndexOutOfRangeException or OverflowException)
        {
            epoch = time.GetUtcNow().ToUnixTimeMilliseconds();
            reserved = 0;
        }

        var source = new SequenceSource(path, epoch, reserved + 1, reserved);
        return source;
    }

    public long Next()
    {
        lock (_gate)
        {
            if (_next > _reserved)
            {
                _reserved = _next + Block - 1;
                AtomicFile.Write(_path, Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Epoch} {_reserved}")));
            }

            return _next++;
        }
    }
}
