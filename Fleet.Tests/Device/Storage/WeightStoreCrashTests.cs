using System.Diagnostics;
using Fleet.Device.Storage;

namespace Fleet.Tests.Device.Storage;

/// <summary>Kills a process that is writing to the weight store at random moments and checks that what survives is whole.</summary>
public sealed class WeightStoreCrashTests : IDisposable
{
    private const int Kills = 20;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Store_KilledAtRandomMomentsWhileWriting_KeepsEveryPointerOnACompleteHashValidVersion()
    {
        var rng = new Random(20261122);
        string? factory = null;
        var progressed = 0;
        var tornWrites = 0;
        for (var round = 0; round < Kills; round++)
        {
            using var process = StartTorture();
            try
            {
                // Let it reach the write loop, then kill it at a random instant within the next few writes.
                var first = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
                Assert.True(first?.StartsWith("ok ", StringComparison.Ordinal), $"torture did not start: {first} {await ReadErrorAsync(process)}");
                progressed++;
                await Task.Delay(rng.Next(0, 120));
            }
            finally
            {
                process.Kill();
                await process.WaitForExitAsync();
            }

            if (Directory.EnumerateFiles(_dir.Path, ".tmp-*", SearchOption.AllDirectories).Any())
            {
                tornWrites++;
            }

            var store = WeightStore.Open(_dir.Path);
            foreach (var pointer in Enum.GetValues<StorePointer>())
            {
                // Known-good is first set at v3 and the torture never sets safety; active and factory exist once "ok 1" was printed.
                var resolved = store.Resolve(pointer);
                var unsetKnownGood = pointer is StorePointer.KnownGood or StorePointer.Safety && resolved.Error?.Kind == StoreErrorKind.NotFound;
                Assert.True(resolved.IsSuccess || unsetKnownGood, $"round {round}: {pointer} → {resolved.Error}");
            }

            foreach (var version in store.ListVersions())
            {
                var manifest = store.GetVersion(version);
                Assert.True(manifest.IsSuccess, $"round {round}: {version} → {manifest.Error}");
                Assert.True(store.VerifyArtifact(manifest.Value.ArtifactSha256).IsSuccess, $"round {round}: artifact of {version}");
                Assert.True(store.VerifyArtifact(manifest.Value.GoldenSha256).IsSuccess, $"round {round}: golden of {version}");
            }

            var currentFactory = store.ReadPointer(StorePointer.Factory).Value;
            factory ??= currentFactory;
            Assert.Equal(factory, currentFactory);
            Assert.Empty(Directory.EnumerateFiles(_dir.Path, ".tmp-*", SearchOption.AllDirectories));
        }

        Assert.Equal(Kills, progressed);
        // The kills must really land inside writes, or this test proves nothing.
        Assert.True(tornWrites > 0, "no kill interrupted a write");
        Assert.True(WeightStore.Open(_dir.Path).Resolve(StorePointer.KnownGood).IsSuccess);
        Assert.Equal("v1", factory);
        Assert.True(WeightStore.Open(_dir.Path).ListVersions().Count >= 1);
    }

    private Process StartTorture()
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var psi = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "fleet-device.dll"));
        psi.ArgumentList.Add("--storage-torture");
        psi.ArgumentList.Add(_dir.Path);
        return Process.Start(psi) ?? throw new InvalidOperationException("could not start fleet-device");
    }

    private static async Task<string> ReadErrorAsync(Process process)
    {
        if (!process.HasExited)
        {
            return string.Empty;
        }

        return await process.StandardError.ReadToEndAsync();
    }
}
