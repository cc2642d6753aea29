namespace Fleet.Gateway.Twins;

/// <summary>Asks a twin for its current view; answered to the sender with a <see cref="TwinSnapshot"/>.</summary>
internal sealed record GetTwin(string DeviceId) : ITwinMessage;
