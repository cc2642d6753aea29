namespace Fleet.Gateway.Store.Devices;

/// <summary>One page of devices; <see cref="NextCursor"/> is null on the last page.</summary>
/// <remarks>Keyset pagination: rows added or removed between pages never shift or repeat the others.</remarks>
internal sealed record DevicePage(IReadOnlyList<DeviceRecord> Items, string? NextCursor);
