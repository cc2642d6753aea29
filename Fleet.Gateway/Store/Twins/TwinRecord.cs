namespace Fleet.Gateway.Store.Twins;

/// <summary>A device twin; either side is null until first written.</summary>
/// <param name="LastUpdateJson">The device's latest update event as it sent it, or null.</param>
/// <param name="LastValidationJson">The device's latest validation event as it sent it, or null.</param>
internal sealed record TwinRecord(string DeviceId, DesiredState? Desired, ReportedState? Reported, string? LastUpdateJson = null, string? LastValidationJson = null);

/// <summary>The device events a twin keeps the latest of.</summary>
internal enum TwinEventKind
{
    Update,
    Validation,
}
