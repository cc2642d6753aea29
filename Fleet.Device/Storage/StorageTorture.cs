using System.Globalization;

namespace Fleet.Device.Storage;

/// <summary>The hidden <c>--storage-torture DIR</c> mode: writes versions to a <see cref="WeightStore"/> in a loop until killed.</summary>
/// <remarks>
/// The crash-safety test kills this process with SIGKILL at random moments and then checks that every
/// pointer names a complete, hash-valid version. Each iteration prints <c>ok N</c> when done.
/// </remarks>
internal static class StorageTorture
{
    public static int Run(string directory, int iterations = int.MaxValue)
    {
        var store = WeightStore.Open(directory);
        var next = store.ListVersions()
            .Select(v => v.StartsWith('v') && int.TryParse(v.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0)
            .DefaultIfEmpty(0)
            .Max() + 1;
        for (var done = 0; done < iterations; done++, next++)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"v{next}");
            var artifact = store.PutArtifact(Content(next, 0));
            var golden = store.PutArtifact(Content(next, 1));
            Check(store.AddVersion(new StoredVersion(name, "torture", artifact, golden)).Error);
            if (store.ReadPointer(StorePointer.Factory).Error?.Kind == StoreErrorKind.NotFound)
            {
                Check(store.SetPointer(StorePointer.Factory, name).Error);
            }

            Check(store.SetPointer(StorePointer.Active, name).Error);
            if (next % 3 == 0)
            {
                Check(store.SetPointer(StorePointer.KnownGood, name).Error);
            }

            if (next % 4 == 0)
            {
                var keep = new HashSet<string>(Enum.GetValues<StorePointer>().Select(p => store.ReadPointer(p).Value).OfType<string>());
                foreach (var old in store.ListVersions().Where(v => !keep.Contains(v)))
                {
                    Check(store.RemoveVersion(old).Error);
                }

                store.CollectGarbage();
            }

            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ok {next}"));
            Console.Out.Flush();
        }

        return 0;
    }

    /// <summary>Deterministic content of 1–256 KiB for version <paramref name="n"/>, part <paramref name="part"/>.</summary>
    public static byte[] Content(int n, int part)
    {
        var rng = new Random((n * 2) + part);
        var bytes = new byte[1024 + rng.Next(255 * 1024)];
        rng.NextBytes(bytes);
        return bytes;
    }

    private static void Check(StoreError? error)
    {
        if (error is not null)
        {
            throw new InvalidOperationException($"storage torture: {error}");
        }
    }
}
