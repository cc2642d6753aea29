namespace Fleet.Gateway.Store.Twins;

/// <summary>A device twin; either side is null until first written.</summary>
internal sealed record TwinRecord(string DeviceId, DesiredState? Desired, ReportedState? Reported);
