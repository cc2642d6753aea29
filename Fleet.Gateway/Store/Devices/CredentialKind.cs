namespace Fleet.Gateway.Store.Devices;

/// <summary>How a device authenticates to the broker (docs/PROTOCOL.md, Transport).</summary>
internal enum CredentialKind
{
    None,
    Password,
    Certificate,
}
