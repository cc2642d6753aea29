namespace Fleet.Gateway.Twins;

/// <summary>A twin stored a new heal episode; the fleet supervisor looks for the same signature across devices.</summary>
internal sealed record HealObserved(string DeviceId, string Diagnosis, string? ModelId, string ModelVersion, string Outcome) : IFleetClusterMessage;
