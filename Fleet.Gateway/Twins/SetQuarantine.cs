namespace Fleet.Gateway.Twins;

/// <summary>Quarantines (reason) or releases (null) the device.</summary>
internal sealed record SetQuarantine(string DeviceId, string? Reason, string Actor, TaskCompletionSource<bool> Reply) : ITwinMessage;
