using Fleet.Shared.Actors.Sharding;

namespace Fleet.Tests.Actors.Sharding;

public sealed class InMemoryRememberEntitiesStoreTests : RememberEntitiesStoreConformance
{
    protected override IRememberEntitiesStore CreateStore() => new InMemoryRememberEntitiesStore();
}
