using Fleet.Shared.Actors.Supervision;

namespace Fleet.Shared.Actors.Sharding;

/// <summary>Configuration of a <see cref="ShardRegion"/>.</summary>
public sealed record ShardRegionSettings
{
    /// <summary>The entity type (e.g. "device"); names the region and keys the remember-entities store.</summary>
    public required string TypeName { get; init; }

    /// <summary>Props of an entity, from its id.</summary>
    public required Func<string, Props> EntityProps { get; init; }

    /// <summary>Maps messages to entity and shard.</summary>
    public required IMessageExtractor MessageExtractor { get; init; }

    /// <summary>Passivate an entity after this long without a message; <see langword="null"/> (default) never does.</summary>
    /// <remarks>Idle entities are found by a periodic check every half period, so an entity is passivated after
    /// between 1 and 1.5 periods of idleness.</remarks>
    public TimeSpan? PassivateIdleAfter { get; init; }

    /// <summary>Sent to an entity to stop it for passivation. Default <see cref="PoisonPill.Instance"/>.</summary>
    public object HandOffStopMessage { get; init; } = PoisonPill.Instance;

    /// <summary>Where live entities are remembered; <see langword="null"/> (default) remembers nothing.</summary>
    public IRememberEntitiesStore? RememberEntitiesStore { get; init; }

    /// <summary>Where shards are hosted. Default: <see cref="LocalShardAllocationStrategy"/>.</summary>
    public IShardAllocationStrategy AllocationStrategy { get; init; } = LocalShardAllocationStrategy.Instance;

    /// <summary>How the region supervises entities. Default: OTP budget (1 restart in 5 s), then the entity is
    /// stopped rather than escalated, so one flapping entity never restarts the region and its siblings.</summary>
    public SupervisorStrategy EntitySupervisorStrategy { get; init; } = new OneForOneStrategy(
        SupervisorStrategy.DefaultMaxNrOfRetries, SupervisorStrategy.DefaultWithinTimeRange, SupervisorStrategy.DefaultDecider, Directive.Stop);

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(TypeName);
        ArgumentNullException.ThrowIfNull(EntityProps);
        ArgumentNullException.ThrowIfNull(MessageExtractor);
        ArgumentNullException.ThrowIfNull(HandOffStopMessage);
        ArgumentNullException.ThrowIfNull(AllocationStrategy);
        ArgumentNullException.ThrowIfNull(EntitySupervisorStrategy);
        if (PassivateIdleAfter is { } idle)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(idle, TimeSpan.Zero);
        }
    }
}
