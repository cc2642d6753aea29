namespace Fleet.Gateway.Twins;

/// <summary>A model failure the device could not fix itself: an unhealable heal outcome or an update it rolled back.</summary>
internal sealed record ModelFailure(string Kind, string Detail, string? ModelVersion) : Akka.Actor.INoSerializationVerificationNeeded;
