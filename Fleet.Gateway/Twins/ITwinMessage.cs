namespace Fleet.Gateway.Twins;

/// <summary>A message for one device's twin; the shard region routes it by <see cref="DeviceId"/>.</summary>
internal interface ITwinMessage : IFleetClusterMessage
{
    string DeviceId { get; }
}
