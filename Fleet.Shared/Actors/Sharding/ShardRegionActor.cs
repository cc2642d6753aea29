using Fleet.Shared.Actors.Kernel;
using Fleet.Shared.Diagnostics;

namespace Fleet.Shared.Actors.Sharding;

/// <summary>The region: routes by entity id, starts entities on demand, passivates without loss, remembers entities.</summary>
/// <remarks>Shards are bookkeeping inside the region, not actors; entities are the region's children.</remarks>
internal sealed class ShardRegionActor(ShardRegionSettings settings) : ActorBase
{
    private const string IdleCheckKey = "passivate-idle";

    private readonly Dictionary<string, ShardState> _shards = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, EntityState> _byRef = [];
    private readonly IRememberEntitiesStore? _store = settings.RememberEntitiesStore;
    private Task _storeWrites = Task.CompletedTask;
    private bool _loading;
    private long _delivered;
    private long _passivations;

    private TimeProvider Clock => Context.System.TimeProvider;

    protected override void PreStart()
    {
        if (settings.PassivateIdleAfter is { } idle)
        {
            Timers.StartPeriodicTimer(IdleCheckKey, RegionMessages.IdleCheck.Instance, idle / 2);
        }

        if (_store is not null)
        {
            _loading = true;
            LoadRememberedAsync(_store, settings.TypeName).PipeTo(Self);
        }
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case RegionMessages.RememberedLoaded loaded:
                StartRemembered(loaded);
                break;
            case Status.Failure failure when _loading:
                Context.System.EventStream.Publish(new ActorErrorEvent(Self, failure.Cause, "Loading remembered entities failed; starting without them."));
                _loading = false;
                Stash.UnstashAll();
                break;
            case not null when _loading:
                Stash.Stash();
                break;
            case GetShardRegionStats:
                Sender.Tell(Stats(), Self);
                break;
            case Passivate passivate:
                if (_byRef.TryGetValue(Sender, out var requester))
                {
                    StartPassivation(requester, passivate.StopMessage);
                }

                break;
            case Terminated terminated:
                OnEntityTerminated(terminated.ActorRef);
                break;
            case RegionMessages.IdleCheck:
                PassivateIdle();
                break;
            case RegionMessages.EntityRemembered remembered:
                if (remembered.Failure is not null)
                {
                    Context.System.EventStream.Publish(new ActorErrorEvent(Self, remembered.Failure, $"Remembering entity {remembered.Entity.EntityId} failed; starting it anyway."));
                }

                Spawn(remembered.Entity);
                break;
            case RegionMessages.ShardAllocated allocated:
                OnShardAllocated(allocated);
                break;
            default:
                Route(message!, Context.Sender);
                break;
        }
    }

    private static async Task<RegionMessages.RememberedLoaded> LoadRememberedAsync(IRememberEntitiesStore store, string typeName)
    {
        var entities = new List<(string, string)>();
        foreach (var shardId in await store.GetShardsAsync(typeName, CancellationToken.None).ConfigureAwait(false))
        {
            foreach (var entityId in await store.GetEntitiesAsync(typeName, shardId, CancellationToken.None).ConfigureAwait(false))
            {
                entities.Add((shardId, entityId));
            }
        }

        return new RegionMessages.RememberedLoaded(entities);
    }

    private void StartRemembered(RegionMessages.RememberedLoaded loaded)
    {
        foreach (var (shardId, entityId) in loaded.Entities)
        {
            var shard = GetOrCreateLocalShard(shardId);
            if (!shard.Entities.ContainsKey(entityId))
            {
                var entity = new EntityState(shardId, entityId);
                shard.Entities.Add(entityId, entity);
                Spawn(entity);
            }
        }

        _loading = false;
        Stash.UnstashAll();
    }

    private void Route(object message, IActorRef? sender)
    {
        string? entityId;
        string shardId;
        object payload;
        try
        {
            entityId = settings.MessageExtractor.EntityId(message);
            if (string.IsNullOrEmpty(entityId))
            {
                Unhandled(message);
                return;
            }

            shardId = settings.MessageExtractor.ShardId(message);
            payload = settings.MessageExtractor.EntityMessage(message);
        }
        catch (Exception ex) when (!ex.IsFatal())
        {
            Context.System.EventStream.Publish(new ActorErrorEvent(Self, ex, "The message extractor threw; the message is a dead letter."));
            Context.System.DeadLetters.Tell(message, sender);
            return;
        }

        var shard = GetOrAllocateShard(shardId);
        if (shard.Home is null)
        {
            shard.BufferUntilAllocated(message, sender);
        }
        else if (!shard.Home.Equals(Self))
        {
            shard.Home.Tell(message, sender);
        }
        else
        {
            DeliverToEntity(shard, entityId, payload, sender);
        }
    }

    private void DeliverToEntity(ShardState shard, string entityId, object payload, IActorRef? sender)
    {
        if (!shard.Entities.TryGetValue(entityId, out var entity))
        {
            entity = new EntityState(shard.ShardId, entityId);
            shard.Entities.Add(entityId, entity);
            entity.Buffer(payload, sender);
            if (_store is null)
            {
                Spawn(entity);
            }
            else
            {
                RememberThenSpawn(_store, entity);
            }

            return;
        }

        if (entity.Status == EntityStatus.Active)
        {
            entity.Ref!.Tell(payload, sender);
            entity.LastActivity = Clock.GetTimestamp();
            _delivered++;
        }
        else
        {
            entity.Buffer(payload, sender);
        }
    }

    private void RememberThenSpawn(IRememberEntitiesStore store, EntityState entity)
    {
        var typeName = settings.TypeName;
        _storeWrites = Chain(_storeWrites, () => store.AddEntityAsync(typeName, entity.ShardId, entity.EntityId, CancellationToken.None));
        AfterWrite(_storeWrites, entity).PipeTo(Self);

        static async Task<RegionMessages.EntityRemembered> AfterWrite(Task write, EntityState entity)
        {
            try
            {
                await write.ConfigureAwait(false);
                return new RegionMessages.EntityRemembered(entity, null);
            }
            catch (Exception ex) when (!ex.IsFatal())
            {
                return new RegionMessages.EntityRemembered(entity, ex);
            }
        }
    }

    private void Spawn(EntityState entity)
    {
        var child = Context.ActorOf(settings.EntityProps(entity.EntityId), Uri.EscapeDataString(entity.EntityId));
        Context.Watch(child);
        entity.Ref = child;
        entity.Status = EntityStatus.Active;
        entity.LastActivity = Clock.GetTimestamp();
        _byRef[child] = entity;
        _delivered += entity.Flush(child);
    }

    private void StartPassivation(EntityState entity, object stopMessage)
    {
        if (entity.Status != EntityStatus.Active)
        {
            return;
        }

        entity.Status = EntityStatus.Passivating;
        entity.Ref!.Tell(stopMessage, Self);
        _passivations++;
    }

    private void PassivateIdle()
    {
        var idleAfter = settings.PassivateIdleAfter!.Value;
        var now = Clock.GetTimestamp();
        foreach (var shard in _shards.Values)
        {
            foreach (var entity in shard.Entities.Values)
            {
                if (entity.Status == EntityStatus.Active && Clock.GetElapsedTime(entity.LastActivity, now) >= idleAfter)
                {
                    StartPassivation(entity, settings.HandOffStopMessage);
                }
            }
        }
    }

    private void OnEntityTerminated(IActorRef entityRef)
    {
        if (!_byRef.Remove(entityRef, out var entity))
        {
            return;
        }

        entity.Ref = null;
        if (entity.HasBuffered)
        {
            Spawn(entity);
            return;
        }

        _shards[entity.ShardId].Entities.Remove(entity.EntityId);
        if (entity.Status == EntityStatus.Passivating && _store is { } store)
        {
            var typeName = settings.TypeName;
            _storeWrites = Chain(_storeWrites, () => store.RemoveEntityAsync(typeName, entity.ShardId, entity.EntityId, CancellationToken.None));
        }
    }

    private ShardState GetOrCreateLocalShard(string shardId)
    {
        if (!_shards.TryGetValue(shardId, out var shard))
        {
            _shards[shardId] = shard = new ShardState(shardId) { Home = Self };
        }

        return shard;
    }

    private ShardState GetOrAllocateShard(string shardId)
    {
        if (_shards.TryGetValue(shardId, out var shard))
        {
            return shard;
        }

        _shards[shardId] = shard = new ShardState(shardId);
        var allocations = new Dictionary<IActorRef, IReadOnlyCollection<string>>
        {
            [Self] = _shards.Values.Where(s => Self.Equals(s.Home)).Select(s => s.ShardId).ToArray(),
        };
        var allocation = settings.AllocationStrategy.AllocateShardAsync(Self, shardId, allocations, CancellationToken.None);
        if (allocation.IsCompletedSuccessfully)
        {
            shard.Home = allocation.Result;
        }
        else
        {
            Allocated(allocation, shardId, Self, Context.System.EventStream).PipeTo(Self);
        }

        return shard;

        static async Task<RegionMessages.ShardAllocated> Allocated(ValueTask<IActorRef> allocation, string shardId, IActorRef self, EventStream events)
        {
            try
            {
                return new(shardId, await allocation.ConfigureAwait(false));
            }
            catch (Exception ex) when (!ex.IsFatal())
            {
                events.Publish(new ActorErrorEvent(self, ex, $"Allocating shard {shardId} failed; hosting it here."));
                return new(shardId, self);
            }
        }
    }

    private void OnShardAllocated(RegionMessages.ShardAllocated allocated)
    {
        var shard = _shards[allocated.ShardId];
        shard.Home = allocated.Home;
        foreach (var (message, sender) in shard.DrainAwaitingHome().ToArray())
        {
            Route(message, sender);
        }
    }

    private ShardRegionStats Stats()
    {
        var perShard = _shards.Values
            .Where(s => Self.Equals(s.Home))
            .ToDictionary(s => s.ShardId, s => s.Entities.Count, StringComparer.Ordinal);
        return new ShardRegionStats(perShard, _delivered, _passivations);
    }

    private static async Task Chain(Task previous, Func<ValueTask> next)
    {
        try
        {
            await previous.ConfigureAwait(false);
        }
        catch (Exception ex) when (!ex.IsFatal())
        {
            // The previous write's failure was reported by whoever awaited it; this write still runs.
        }

        await next().ConfigureAwait(false);
    }
}
