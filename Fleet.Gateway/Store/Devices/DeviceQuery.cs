namespace Fleet.Gateway.Store.Devices;

/// <summary>A page request over devices ordered by id; null filters match everything.</summary>
/// <param name="After">The <see cref="DevicePage.NextCursor"/> of the previous page, or null for the first.</param>
internal sealed record DeviceQuery(
    int Limit = 100,
    string? After = null,
    string? Health = null,
    string? ModelVersion = null,
    int? Shard = null,
    bool? Online = null,
    bool? Quarantined = null);
