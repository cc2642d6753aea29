using Microsoft.Win32.SafeHandles;

namespace Fleet.Device.Uplink.Queue;

/// <summary>One append-only segment file of a <see cref="DiskEventQueue"/>.</summary>
internal sealed class QueueSegment(string path, long firstSequence, SafeFileHandle handle, long length) : IDisposable
{
    public string Path { get; } = path;

    public long FirstSequence { get; } = firstSequence;

    public SafeFileHandle Handle { get; } = handle;

    /// <summary>Bytes of whole records in the file.</summary>
    public long Length { get; set; } = length;

    /// <summary>Sequence of the last record written, or <see cref="FirstSequence"/> − 1 when empty.</summary>
    public long LastSequence { get; set; } = firstSequence - 1;

    public static string FileName(long firstSequence) => $"{firstSequence:D20}{DiskEventQueue.SegmentExtension}";

    public void Dispose() => Handle.Dispose();
}
