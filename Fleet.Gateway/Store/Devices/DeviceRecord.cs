namespace Fleet.Gateway.Store.Devices;

/// <summary>A device as the store knows it, with the health and model version of its last accepted report.</summary>
internal sealed record DeviceRecord(
    string Id,
    int Shard,
    DateTimeOffset Created,
    CredentialKind Credentials,
    IReadOnlyDictionary<string, string> Labels,
    bool Quarantined,
    string? QuarantineReason,
    DateTimeOffset? LastSeen,
    bool Online,
    string? Health,
    string? ModelVersion);
