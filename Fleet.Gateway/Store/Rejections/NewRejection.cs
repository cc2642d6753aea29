namespace Fleet.Gateway.Store.Rejections;

/// <summary>A rejected message to record; the store cuts <see cref="Payload"/> to its first bytes and the reason to the text limit.</summary>
internal sealed record NewRejection(string? DeviceId, string Topic, string Kind, string Cause, string Reason, ReadOnlyMemory<byte> Payload);
