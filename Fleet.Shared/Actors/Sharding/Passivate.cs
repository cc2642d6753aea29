namespace Fleet.Shared.Actors.Sharding;

/// <summary>Sent by an entity to its parent (the region) to be stopped without losing messages.</summary>
/// <remarks>The region stops forwarding, sends <see cref="StopMessage"/> to the entity, buffers what arrives
/// meanwhile, and re-creates the entity to deliver the buffer if anything arrived.</remarks>
/// <param name="StopMessage">What the entity receives to stop (e.g. <see cref="PoisonPill.Instance"/>).</param>
public sealed record Passivate(object StopMessage);
