namespace Fleet.Gateway.Twins;

/// <summary>The twin's answer to a <see cref="DeviceMessage"/> with an ack id: what had to be stored is stored.</summary>
internal sealed record Persisted(long AckId) : IFleetClusterMessage;
