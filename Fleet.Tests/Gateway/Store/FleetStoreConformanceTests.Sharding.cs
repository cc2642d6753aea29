using Fleet.Gateway.Store.Sharding;

namespace Fleet.Tests.Gateway.Store;

public abstract partial class FleetStoreConformanceTests
{
    private static readonly TimeSpan LeaseTime = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task RememberedEntities_AddRemoveAndListPerShard()
    {
        Assert.True(await Store.Entities.AddAsync(3, "pi-b", Ct));
        Assert.True(await Store.Entities.AddAsync(3, "pi-a", Ct));
        Assert.False(await Store.Entities.AddAsync(3, "pi-a", Ct));
        Assert.True(await Store.Entities.AddAsync(4, "pi-a", Ct));

        Assert.Equal(["pi-a", "pi-b"], await Store.Entities.ListAsync(3, Ct));
        Assert.True(await Store.Entities.RemoveAsync(3, "pi-a", Ct));
        Assert.False(await Store.Entities.RemoveAsync(3, "pi-a", Ct));
        Assert.Equal(["pi-b"], await Store.Entities.ListAsync(3, Ct));
        Assert.Equal(["pi-a"], await Store.Entities.ListAsync(4, Ct));
        Assert.Empty(await Store.Entities.ListAsync(5, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.Entities.AddAsync(-1, "x", Ct));
    }

    [Fact]
    public async Task TryAcquireLease_FreeShard_GrantsEpochOne()
    {
        var result = await Store.Leases.TryAcquireAsync(5, "node-a", LeaseTime, Ct);

        Assert.Equal(new LeaseResult(LeaseStatus.Ok, new ShardLease(5, "node-a", 1, Clock.GetUtcNow() + LeaseTime)), result);
        Assert.Equal(result.Lease, await Store.Leases.GetAsync(5, Ct));
        Assert.Null(await Store.Leases.GetAsync(6, Ct));
    }

    [Fact]
    public async Task TryAcquireLease_HeldAndUnexpired_IsRefusedToAnotherNode()
    {
        var held = await Store.Leases.TryAcquireAsync(5, "node-a", LeaseTime, Ct);
        Clock.Advance(LeaseTime - TimeSpan.FromSeconds(1));

        var refused = await Store.Leases.TryAcquireAsync(5, "node-b", LeaseTime, Ct);

        Assert.Equal(new LeaseResult(LeaseStatus.HeldByOther, held.Lease), refused);
    }

    [Fact]
    public async Task TryAcquireLease_AfterExpiry_GrantsAnotherNodeAHigherEpoch_AndFencesTheOldOwner()
    {
        var first = await Store.Leases.TryAcquireAsync(5, "node-a", LeaseTime, Ct);
        Clock.Advance(LeaseTime);

        var taken = await Store.Leases.TryAcquireAsync(5, "node-b", LeaseTime, Ct);
        var staleRenew = await Store.Leases.RenewAsync(5, "node-a", first.Lease!.Epoch, LeaseTime, Ct);
        var staleRelease = await Store.Leases.ReleaseAsync(5, "node-a", first.Lease.Epoch, Ct);

        Assert.Equal(LeaseStatus.Ok, taken.Status);
        Assert.Equal("node-b", taken.Lease!.NodeId);
        Assert.True(taken.Lease.Epoch > first.Lease.Epoch);
        Assert.Equal(new LeaseResult(LeaseStatus.Lost, taken.Lease), staleRenew);
        Assert.Equal(new LeaseResult(LeaseStatus.Lost, taken.Lease), staleRelease);
    }

    [Fact]
    public async Task RenewLease_LiveLease_ExtendsIt_ExpiredLease_IsLost()
    {
        var lease = (await Store.Leases.TryAcquireAsync(5, "node-a", LeaseTime, Ct)).Lease!;
        Clock.Advance(TimeSpan.FromSeconds(20));

        var renewed = await Store.Leases.RenewAsync(5, "node-a", lease.Epoch, LeaseTime, Ct);
        Clock.Advance(LeaseTime);
        var late = await Store.Leases.RenewAsync(5, "node-a", lease.Epoch, LeaseTime, Ct);

        Assert.Equal(new ShardLease(5, "node-a", lease.Epoch, Clock.GetUtcNow()), renewed.Lease);
        Assert.Equal(LeaseStatus.Lost, late.Status);
        Assert.Equal(LeaseStatus.Lost, (await Store.Leases.RenewAsync(6, "node-a", 1, LeaseTime, Ct)).Status);
    }

    [Fact]
    public async Task TryAcquireLease_OwnLiveLease_ExtendsItKeepingTheEpoch_OwnExpiredLease_GetsANewEpoch()
    {
        var first = (await Store.Leases.TryAcquireAsync(5, "node-a", LeaseTime, Ct)).Lease!;
        Clock.Advance(TimeSpan.FromSeconds(10));

        var again = (await Store.Leases.TryAcquireAsync(5, "node-a", LeaseTime, Ct)).Lease!;
        Clock.Advance(LeaseTime);
        var afterExpiry = (await Store.Leases.TryAcquireAsync(5, "node-a", LeaseTime, Ct)).Lease!;

        Assert.Equal(first.Epoch, again.Epoch);
        Assert.Equal(Clock.GetUtcNow() + LeaseTime, afterExpiry.Expires);
        Assert.Equal(first.Epoch + 1, afterExpiry.Epoch);
    }

    [Fact]
    public async Task ReleaseLease_FreesTheShard_AndTheNextOwnerGetsAHigherEpoch()
    {
        var lease = (await Store.Leases.TryAcquireAsync(5, "node-a", LeaseTime, Ct)).Lease!;

        var released = await Store.Leases.ReleaseAsync(5, "node-a", lease.Epoch, Ct);
        var next = await Store.Leases.TryAcquireAsync(5, "node-b", LeaseTime, Ct);

        Assert.Equal(LeaseStatus.Ok, released.Status);
        Assert.Null(released.Lease!.NodeId);
        Assert.Equal(LeaseStatus.Ok, next.Status);
        Assert.Equal(lease.Epoch + 1, next.Lease!.Epoch);
        Assert.Equal([next.Lease], await Store.Leases.ListAsync(Ct));
    }

    [Fact]
    public async Task TryAcquireLease_EightNodesRacing_ExactlyOneWins()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(n => Task.Run(() => Store.Leases.TryAcquireAsync(9, $"node-{n}", LeaseTime, Ct))));

        var winner = Assert.Single(results, r => r.Succeeded);
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal(LeaseStatus.HeldByOther, r.Status));
        Assert.Equal(1, winner.Lease!.Epoch);
        Assert.Equal(winner.Lease, await Store.Leases.GetAsync(9, Ct));
    }

    [Fact]
    public async Task Leases_BadInput_ThrowsArgumentException()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.Leases.TryAcquireAsync(-1, "node-a", LeaseTime, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.Leases.TryAcquireAsync(1, "", LeaseTime, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.Leases.TryAcquireAsync(1, "node-a", TimeSpan.Zero, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.Leases.RenewAsync(1, "node-a", 0, LeaseTime, Ct));
        Assert.Empty(await Store.Leases.ListAsync(Ct));
    }
}
