namespace Fleet.Gateway.Twins;

/// <summary>Asks a twin for its current view.</summary>
internal sealed record GetTwin(string DeviceId, TaskCompletionSource<TwinSnapshot> Reply) : ITwinMessage;
