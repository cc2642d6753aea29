namespace Fleet.Gateway.Twins;

/// <summary>Quarantines (a reason) or releases (null) a device; answered to the sender with whether it is registered (bool).</summary>
internal sealed record SetQuarantine(string DeviceId, string? Reason, string Actor) : ITwinMessage;
