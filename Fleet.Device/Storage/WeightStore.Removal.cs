namespace Fleet.Device.Storage;

/// <content>Removing versions and collecting unreferenced objects.</content>
internal sealed partial class WeightStore
{
    /// <summary>Removes a version's manifest; refused while a pointer names it. Its objects go at the next <see cref="CollectGarbage"/>.</summary>
    public StoreResult<string> RemoveVersion(string version)
    {
        foreach (var pointer in Enum.GetValues<StorePointer>())
        {
            if (ReadPointer(pointer) is { IsSuccess: true } named && named.Value == version)
            {
                return pointer == StorePointer.Factory
                    ? FactoryProtected(version)
                    : StoreResult<string>.Failure(StoreErrorKind.InUse, $"version {version} is the {PointerName(pointer)} version and cannot be removed");
            }
        }

        var manifest = GetVersion(version);
        if (!manifest.IsSuccess && manifest.Error.Kind != StoreErrorKind.Corrupt)
        {
            return manifest.Cast<string>();
        }

        File.Delete(ManifestPath(version));
        DirectorySync.Flush(VersionsDirectory);
        return StoreResult<string>.Success(version);
    }

    /// <summary>Deletes objects no manifest names, and temp files of interrupted writes.</summary>
    /// <remarks>Must not run while the same process is between storing an object and adding its manifest.</remarks>
    public GarbageCollection CollectGarbage()
    {
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in ListVersions())
        {
            if (GetVersion(name) is { IsSuccess: true } v)
            {
                referenced.Add(v.Value.ArtifactSha256);
                referenced.Add(v.Value.GoldenSha256);
            }
            else
            {
                // A manifest we cannot read might name anything: keep every object rather than guess.
                return new GarbageCollection(0, 0, RemoveTempFiles());
            }
        }

        int removed = 0;
        long freed = 0;
        foreach (var path in Directory.EnumerateFiles(ObjectsDirectory))
        {
            var name = Path.GetFileName(path);
            if (IsSha256(name) && !referenced.Contains(name))
            {
                freed += new FileInfo(path).Length;
                File.Delete(path);
                removed++;
            }
        }

        if (removed > 0)
        {
            DirectorySync.Flush(ObjectsDirectory);
        }

        return new GarbageCollection(removed, freed, RemoveTempFiles());
    }
}
