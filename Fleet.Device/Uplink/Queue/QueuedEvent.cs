namespace Fleet.Device.Uplink.Queue;

/// <summary>An event waiting in the <see cref="DiskEventQueue"/>: its sequence number (for <see cref="DiskEventQueue.Acknowledge"/>) and payload.</summary>
internal sealed record QueuedEvent(long Sequence, byte[] Payload);
