namespace Fleet.Gateway.Store.Devices;

/// <summary>Registered devices: enrolment, presence, quarantine, listing and fleet counts.</summary>
internal interface IDeviceStore
{
    /// <summary>Registers a device; false when the id is already registered (nothing changes).</summary>
    Task<bool> TryAddAsync(DeviceRegistration registration, CancellationToken cancellationToken);

    Task<DeviceRecord?> GetAsync(string deviceId, CancellationToken cancellationToken);

    /// <summary>Removes a device and its twin; its history (heal events, insights, audit) stays.</summary>
    Task<bool> DeleteAsync(string deviceId, CancellationToken cancellationToken);

    /// <summary>Replaces the device's labels; false when the device is unknown.</summary>
    Task<bool> SetLabelsAsync(string deviceId, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken);

    /// <summary>Sets online/offline and stamps last seen with the store's clock; false when the device is unknown.</summary>
    Task<bool> SetPresenceAsync(string deviceId, bool online, CancellationToken cancellationToken);

    /// <summary>Stamps last seen without changing presence; false when the device is unknown.</summary>
    Task<bool> TouchAsync(string deviceId, CancellationToken cancellationToken);

    /// <summary>Quarantines (reason required) or releases (reason null) a device; false when the device is unknown.</summary>
    Task<bool> SetQuarantineAsync(string deviceId, string? reason, CancellationToken cancellationToken);

    Task<DevicePage> ListAsync(DeviceQuery query, CancellationToken cancellationToken);

    Task<FleetSummary> GetSummaryAsync(CancellationToken cancellationToken);
}
