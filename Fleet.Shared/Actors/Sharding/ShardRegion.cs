namespace Fleet.Shared.Actors.Sharding;

/// <summary>Entry point of local sharding: a region actor that routes messages to entities by id.</summary>
/// <remarks>
/// <para>The region starts an entity on its first message, forwards the entity's messages in order, passivates idle
/// entities without losing messages that arrive meanwhile, and restarts remembered entities when it starts.
/// Entities are children of the region (their <c>Context.Parent</c>, to which they send <see cref="Passivate"/>).</para>
/// <para>Messages the extractor does not recognise are unhandled. An entity that stops on its own (not through
/// passivation) is forgotten by the region; messages that reach it before the region notices become dead letters.</para>
/// </remarks>
public static class ShardRegion
{
    /// <summary>Props of a region for <paramref name="settings"/>.</summary>
    public static Props Props(ShardRegionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        return Actors.Props.Create(() => new ShardRegionActor(settings)).WithSupervisorStrategy(settings.EntitySupervisorStrategy);
    }

    /// <summary>Starts a top-level region named <c>sharding-{TypeName}</c>.</summary>
    public static IActorRef Start(ActorSystem system, ShardRegionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(settings);
        return system.ActorOf(Props(settings), "sharding-" + Uri.EscapeDataString(settings.TypeName));
    }
}
