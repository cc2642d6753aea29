using System.Text;
using Fleet.Shared.Protocol;

namespace Fleet.Device.Uplink;

/// <summary>
/// <c>--ack-journal FILE</c>: one line per message the broker acknowledged to one of this process's devices and
/// delivered to a subscriber (QoS 1 events from the disk queue and the retained report):
/// <c>deviceId TAB kind TAB payload</c>, the payload as sent (one line of JSON). Written and flushed as each PUBACK
/// arrives, so a reader sees what the devices know was taken over by the broker, even when the agent is killed.
/// For tests that prove nothing acknowledged is lost (the gateway cluster's chaos tests); off by default.
/// </summary>
internal sealed class AckJournal : IDisposable
{
    private readonly Lock _lock = new();
    private readonly StreamWriter _writer;

    private AckJournal(StreamWriter writer) => _writer = writer;

    /// <summary>Opens (appends to) the journal at <paramref name="path"/>.</summary>
    public static AckJournal Open(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        return new AckJournal(new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true });
    }

    /// <summary>Records that <paramref name="deviceId"/>'s <paramref name="kind"/> message <paramref name="payload"/> was acknowledged.</summary>
    public void Acknowledged(string deviceId, TopicKind kind, ReadOnlySpan<byte> payload)
    {
        var line = $"{deviceId}\t{kind}\t{Encoding.UTF8.GetString(payload)}";
        lock (_lock)
        {
            _writer.WriteLine(line);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _writer.Dispose();
        }
    }
}
