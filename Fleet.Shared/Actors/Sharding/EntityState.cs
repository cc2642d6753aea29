namespace Fleet.Shared.Actors.Sharding;

/// <summary>The region's bookkeeping for one entity.</summary>
internal sealed class EntityState(string shardId, string entityId)
{
    private Queue<(object Message, IActorRef? Sender)>? _buffer;

    public string ShardId { get; } = shardId;

    public string EntityId { get; } = entityId;

    public EntityStatus Status { get; set; } = EntityStatus.Starting;

    public IActorRef? Ref { get; set; }

    public long LastActivity { get; set; }

    public bool HasBuffered => _buffer is { Count: > 0 };

    public void Buffer(object message, IActorRef? sender) => (_buffer ??= new()).Enqueue((message, sender));

    public int Flush(IActorRef target)
    {
        var count = 0;
        while (_buffer is not null && _buffer.TryDequeue(out var item))
        {
            target.Tell(item.Message, item.Sender);
            count++;
        }

        return count;
    }
}
