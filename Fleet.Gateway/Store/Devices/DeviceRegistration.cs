namespace Fleet.Gateway.Store.Devices;

/// <summary>What enrolment knows about a new device; the store stamps the creation time.</summary>
internal sealed record DeviceRegistration(
    string Id,
    int Shard,
    CredentialKind Credentials,
    IReadOnlyDictionary<string, string>? Labels = null);
