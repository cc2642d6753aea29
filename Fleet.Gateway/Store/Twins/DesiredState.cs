namespace Fleet.Gateway.Store.Twins;

/// <summary>The desired state the gateway last wrote; <see cref="Version"/> starts at 1 and grows by 1 per write.</summary>
internal sealed record DesiredState(int Version, string Json, DateTimeOffset Updated);
