using System.Text;

namespace Fleet.Device.Storage;

/// <content>Pointers: active, known-good and the write-once factory default.</content>
internal sealed partial class WeightStore
{
    /// <summary>The version <paramref name="pointer"/> names, or NotFound when it is unset.</summary>
    public StoreResult<string> ReadPointer(StorePointer pointer)
    {
        string text;
        try
        {
            text = File.ReadAllText(PointerPath(pointer), Encoding.UTF8).Trim();
        }
        catch (FileNotFoundException)
        {
            return StoreResult<string>.Failure(StoreErrorKind.NotFound, $"the {PointerName(pointer)} pointer is not set");
        }

        return VersionNameProblem(text) is null
            ? StoreResult<string>.Success(text)
            : StoreResult<string>.Failure(StoreErrorKind.Corrupt, $"the {PointerName(pointer)} pointer is corrupt");
    }

    /// <summary>The manifest <paramref name="pointer"/> names, with both its objects verified.</summary>
    public StoreResult<StoredVersion> Resolve(StorePointer pointer)
    {
        var name = ReadPointer(pointer);
        if (!name.IsSuccess)
        {
            return name.Cast<StoredVersion>();
        }

        var version = GetVersion(name.Value);
        if (!version.IsSuccess)
        {
            return version;
        }

        foreach (var sha in new[] { version.Value.ArtifactSha256, version.Value.GoldenSha256 })
        {
            var check = VerifyArtifact(sha);
            if (!check.IsSuccess)
            {
                return check.Cast<StoredVersion>();
            }
        }

        return version;
    }

    /// <summary>Points <paramref name="pointer"/> at an existing version. The factory pointer can be set only once.</summary>
    public StoreResult<string> SetPointer(StorePointer pointer, string version)
    {
        var manifest = GetVersion(version);
        if (!manifest.IsSuccess)
        {
            return manifest.Cast<string>();
        }

        var content = Encoding.UTF8.GetBytes(version + "\n");
        if (pointer != StorePointer.Factory)
        {
            AtomicFile.Write(PointerPath(pointer), content);
            return StoreResult<string>.Success(version);
        }

        if (ReadPointer(StorePointer.Factory) is { IsSuccess: true } existing)
        {
            return FactoryProtected(existing.Value);
        }

        try
        {
            // Rename without replace: if two writers race, only one factory default wins.
            AtomicFile.Write(PointerPath(pointer), content, overwrite: false);
        }
        catch (IOException) when (File.Exists(PointerPath(pointer)))
        {
            return FactoryProtected(ReadPointer(StorePointer.Factory).Value ?? "another version");
        }

        return StoreResult<string>.Success(version);
    }
}
