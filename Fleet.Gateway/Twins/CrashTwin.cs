namespace Fleet.Gateway.Twins;

/// <summary>Fault injection: the twin throws, so its supervisor restarts it and it rehydrates from the store.</summary>
internal sealed record CrashTwin(string DeviceId) : ITwinMessage;
