namespace Fleet.Gateway.Provisioning;

/// <summary>How provisioning ended.</summary>
internal enum ProvisionStatus
{
    Provisioned,

    /// <summary>The device exists; pass rotate to issue new credentials.</summary>
    AlreadyProvisioned,
}
