namespace Fleet.Shared.Actors;

/// <summary>Delivered once to each watcher when a watched actor has stopped (see <see cref="IActorContext.Watch"/>).</summary>
/// <remarks>
/// It arrives after every message the dead actor sent to the watcher before it stopped, exactly once per watch,
/// and not at all after <see cref="IActorContext.Unwatch"/>. An actor that does not handle it fails with
/// <see cref="DeathPactException"/>.
/// </remarks>
/// <param name="ActorRef">The actor that stopped.</param>
public sealed record Terminated(IActorRef ActorRef);
