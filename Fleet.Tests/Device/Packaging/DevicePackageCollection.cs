namespace Fleet.Tests.Device.Packaging;

/// <summary>
/// Publishing two self-contained apps takes both cores for minutes from a clean clone; run alone (after the parallel
/// collections) so the burst does not starve the suite's time-bounded tests. The packages are built once for every
/// class in the collection.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DevicePackageCollection : ICollectionFixture<DevicePackageFixture>
{
    public const string Name = "device packages";
}
