using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Fleet.Device.Storage;

/// <summary>The device's versioned weight store on disk: content-addressed artifacts, version manifests and pointers.</summary>
/// <remarks>
/// <para>Layout under the root: <c>objects/{sha256}</c> (artifacts and golden snapshots, named by the
/// SHA-256 of their content), <c>versions/{version}.json</c> (a <see cref="StoredVersion"/>), and
/// <c>refs/active</c>, <c>refs/known-good</c>, <c>refs/factory</c> (each holding one version name).</para>
/// <para>Crash safety: every file is written by <see cref="AtomicFile"/>, and in dependency order —
/// objects before the manifest naming them, manifests before pointers naming them; removal goes the other
/// way (pointer, manifest, then objects). So after a kill at any instant every pointer names a complete
/// manifest whose objects are complete. Torn temp files are deleted by <see cref="Open"/> and
/// <see cref="CollectGarbage"/>.</para>
/// <para>Reads verify content hashes: a corrupt object is reported, never returned. The factory pointer is
/// set once; overwriting it, or removing the factory version, is refused.</para>
/// <para>One writer at a time (the device agent); reads may run concurrently with it.</para>
/// </remarks>
internal sealed partial class WeightStore
{
    private const string ManifestExtension = ".json";

    private WeightStore(string root)
    {
        Root = root;
        ObjectsDirectory = Path.Combine(root, "objects");
        VersionsDirectory = Path.Combine(root, "versions");
        RefsDirectory = Path.Combine(root, "refs");
    }

    public string Root { get; }

    private string ObjectsDirectory { get; }

    private string VersionsDirectory { get; }

    private string RefsDirectory { get; }

    /// <summary>Opens (creating if needed) the store under <paramref name="root"/> and clears leftovers of interrupted writes.</summary>
    public static WeightStore Open(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        var store = new WeightStore(Path.GetFullPath(root));
        var created = !Directory.Exists(store.RefsDirectory);
        foreach (var directory in new[] { store.Root, store.ObjectsDirectory, store.VersionsDirectory, store.RefsDirectory })
        {
            Directory.CreateDirectory(directory);
        }

        if (created)
        {
            DirectorySync.Flush(store.Root);
        }

        store.RemoveTempFiles();
        return store;
    }

    /// <summary>Stores <paramref name="content"/> under its SHA-256 and returns the hash (lower-case hex).</summary>
    /// <remarks>An existing intact copy is kept; a corrupt one is replaced (the name fixes what the content must be).</remarks>
    public string PutArtifact(ReadOnlySpan<byte> content)
    {
        var sha = Convert.ToHexStringLower(SHA256.HashData(content));
        var path = ObjectPath(sha);
        if (!File.Exists(path) || !VerifyArtifact(sha).IsSuccess)
        {
            AtomicFile.Write(path, content);
        }

        return sha;
    }

    /// <summary>Streams <paramref name="content"/> (e.g. a download) into the store, hashing as it goes; returns the hash.</summary>
    public async Task<string> PutArtifactAsync(Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var temp = AtomicFile.TempPath(ObjectsDirectory);
        string sha;
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }

                file.Flush(flushToDisk: true);
            }

            sha = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (File.Exists(ObjectPath(sha)) && VerifyArtifact(sha).IsSuccess)
            {
                AtomicFile.TryDelete(temp);
                return sha;
            }

            File.Move(temp, ObjectPath(sha), overwrite: true);
        }
        catch
        {
            AtomicFile.TryDelete(temp);
            throw;
        }

        DirectorySync.Flush(ObjectsDirectory);
        return sha;
    }

    /// <summary>The artifact's bytes, after checking they hash to <paramref name="sha256"/>.</summary>
    public StoreResult<byte[]> ReadArtifact(string sha256)
    {
        if (!IsSha256(sha256))
        {
            return StoreResult<byte[]>.Failure(StoreErrorKind.InvalidName, $"'{sha256}' is not a lower-case hex SHA-256");
        }

        byte[] content;
        try
        {
            content = File.ReadAllBytes(ObjectPath(sha256));
        }
        catch (FileNotFoundException)
        {
            return StoreResult<byte[]>.Failure(StoreErrorKind.NotFound, $"artifact {sha256} is not in the store");
        }

        var actual = Convert.ToHexStringLower(SHA256.HashData(content));
        return actual == sha256
            ? StoreResult<byte[]>.Success(content)
            : StoreResult<byte[]>.Failure(StoreErrorKind.Corrupt, $"artifact {sha256} is corrupt: its {content.Length} bytes hash to {actual}");
    }

    /// <summary>Checks an artifact's hash without keeping its bytes.</summary>
    public StoreResult<long> VerifyArtifact(string sha256)
    {
        if (!IsSha256(sha256))
        {
            return StoreResult<long>.Failure(StoreErrorKind.InvalidName, $"'{sha256}' is not a lower-case hex SHA-256");
        }

        try
        {
            using var stream = new FileStream(ObjectPath(sha256), FileMode.Open, FileAccess.Read, FileShare.Read, 81920);
            var actual = Convert.ToHexStringLower(SHA256.HashData(stream));
            return actual == sha256
                ? StoreResult<long>.Success(stream.Length)
                : StoreResult<long>.Failure(StoreErrorKind.Corrupt, $"artifact {sha256} is corrupt: its {stream.Length} bytes hash to {actual}");
        }
        catch (FileNotFoundException)
        {
            return StoreResult<long>.Failure(StoreErrorKind.NotFound, $"artifact {sha256} is not in the store");
        }
    }

    /// <summary>Records a version whose artifact and golden snapshot are already stored.</summary>
    /// <remarks>Re-adding an identical manifest succeeds; a different manifest under an existing name is a conflict.</remarks>
    public StoreResult<StoredVersion> AddVersion(StoredVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        if (VersionNameProblem(version.Version) is { } problem)
        {
            return StoreResult<StoredVersion>.Failure(StoreErrorKind.InvalidName, problem);
        }

        foreach (var sha in new[] { version.ArtifactSha256, version.GoldenSha256 })
        {
            var check = VerifyArtifact(sha);
            if (!check.IsSuccess)
            {
                return StoreResult<StoredVersion>.Failure(check.Error.Kind, $"version {version.Version} cannot be added: {check.Error.Message}");
            }
        }

        var existing = GetVersion(version.Version);
        if (existing.IsSuccess)
        {
            return existing.Value == version
                ? existing
                : StoreResult<StoredVersion>.Failure(StoreErrorKind.Conflict, $"version {version.Version} already exists with other content");
        }

        AtomicFile.Write(ManifestPath(version.Version), JsonSerializer.SerializeToUtf8Bytes(version, StorageJsonContext.Default.StoredVersion));
        return StoreResult<StoredVersion>.Success(version);
    }

    /// <summary>The manifest of <paramref name="version"/>.</summary>
    public StoreResult<StoredVersion> GetVersion(string version)
    {
        if (VersionNameProblem(version) is { } problem)
        {
            return StoreResult<StoredVersion>.Failure(StoreErrorKind.InvalidName, problem);
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(ManifestPath(version));
        }
        catch (FileNotFoundException)
        {
            return StoreResult<StoredVersion>.Failure(StoreErrorKind.NotFound, $"version {version} is not in the store");
        }

        try
        {
            var manifest = JsonSerializer.Deserialize(bytes, StorageJsonContext.Default.StoredVersion);
            if (manifest is not null && manifest.Version == version && IsSha256(manifest.ArtifactSha256) && IsSha256(manifest.GoldenSha256))
            {
                return StoreResult<StoredVersion>.Success(manifest);
            }
        }
        catch (JsonException)
        {
            // Reported below with the other ways a manifest can be unreadable.
        }

        return StoreResult<StoredVersion>.Failure(StoreErrorKind.Corrupt, $"the manifest of version {version} is corrupt");
    }

    /// <summary>Every stored version's name, sorted ordinally.</summary>
    public IReadOnlyList<string> ListVersions() =>
        [.. Directory.EnumerateFiles(VersionsDirectory, "*" + ManifestExtension)
            .Select(p => Path.GetFileNameWithoutExtension(p))
            .Where(v => VersionNameProblem(v) is null)
            .Order(StringComparer.Ordinal)];

    /// <summary>Why <paramref name="version"/> cannot name a version, or null: 1–128 of <c>A-Z a-z 0-9 . _ + -</c>, starting with a letter or digit.</summary>
    public static string? VersionNameProblem(string? version)
    {
        if (string.IsNullOrEmpty(version) || version.Length > 128)
        {
            return $"version name '{version}' must be 1 to 128 characters";
        }

        if (!char.IsAsciiLetterOrDigit(version[0]) || version.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '+' or '-')))
        {
            return $"version name '{version}' must start with a letter or digit and use only A-Z a-z 0-9 . _ + -";
        }

        return null;
    }

    private static bool IsSha256(string? s) => s is { Length: 64 } && s.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    private static string PointerName(StorePointer pointer) => pointer switch
    {
        StorePointer.Active => "active",
        StorePointer.KnownGood => "known-good",
        StorePointer.Factory => "factory",
        StorePointer.Safety => "safety",
        _ => throw new ArgumentOutOfRangeException(nameof(pointer), pointer, null),
    };

    private static StoreResult<string> FactoryProtected(string current) =>
        StoreResult<string>.Failure(StoreErrorKind.FactoryDefaultProtected, $"the factory default is version {current}; it is set once and never overwritten or removed");

    private string ObjectPath(string sha) => Path.Combine(ObjectsDirectory, sha);

    private string ManifestPath(string version) => Path.Combine(VersionsDirectory, version + ManifestExtension);

    private string PointerPath(StorePointer pointer) => Path.Combine(RefsDirectory, PointerName(pointer));

    private int RemoveTempFiles()
    {
        var removed = 0;
        foreach (var directory in new[] { ObjectsDirectory, VersionsDirectory, RefsDirectory })
        {
            foreach (var temp in Directory.EnumerateFiles(directory, AtomicFile.TempPrefix + "*"))
            {
                AtomicFile.TryDelete(temp);
                removed++;
            }
        }

        return removed;
    }
}
