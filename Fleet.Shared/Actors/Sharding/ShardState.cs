namespace Fleet.Shared.Actors.Sharding;

/// <summary>The region's bookkeeping for one shard: where it lives and, if here, its entities.</summary>
internal sealed class ShardState(string shardId)
{
    private Queue<(object Message, IActorRef? Sender)>? _awaitingHome;

    public string ShardId { get; } = shardId;

    /// <summary>The hosting region, or <see langword="null"/> while the allocation strategy decides.</summary>
    public IActorRef? Home { get; set; }

    public Dictionary<string, EntityState> Entities { get; } = new(StringComparer.Ordinal);

    public void BufferUntilAllocated(object message, IActorRef? sender) => (_awaitingHome ??= new()).Enqueue((message, sender));

    public IEnumerable<(object Message, IActorRef? Sender)> DrainAwaitingHome()
    {
        while (_awaitingHome is not null && _awaitingHome.TryDequeue(out var item))
        {
            yield return item;
        }
    }
}
