namespace Fleet.Gateway.Twins;

/// <summary>A device's model supervisor spent its budget and quarantined the device.</summary>
internal sealed record DeviceEscalated(string DeviceId, string Reason) : IFleetClusterMessage;
