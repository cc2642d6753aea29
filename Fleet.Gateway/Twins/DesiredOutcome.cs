namespace Fleet.Gateway.Twins;

/// <summary>The outcome of <see cref="SetDesired"/>; <see cref="Version"/> is the stored version afterwards.</summary>
internal sealed record DesiredOutcome(DesiredStatus Status, int Version) : IFleetClusterMessage;
