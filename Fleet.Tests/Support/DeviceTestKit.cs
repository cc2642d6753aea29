using Fleet.Device.Healing;
using Fleet.Device.Agent;
using Fleet.Device.Core;
using Fleet.Device.Inference;
using Fleet.Device.Monitoring;
using Fleet.Device.Storage;
using Fleet.Shared.Learning;
using Fleet.Shared.Models;
using Fleet.Shared.Models.Packaging;
using Fleet.Shared.Onnx;
using Fleet.Shared.Time;

namespace Fleet.Tests.Device;

/// <summary>Real devices for tests: a weight store in a temp directory, the reference models, real ONNX Runtime.</summary>
internal static class DeviceTestKit
{
    public static ManualTimeProvider Clock() => new(new DateTimeOffset(2026, 11, 22, 5, 0, 0, TimeSpan.Zero));

    public static DeviceCore Core(string directory, TimeProvider time, RemediationOptions? remediation = null, Func<double?>? temperature = null, WatchdogOptions? watchdog = null)
    {
        OnnxRuntime.Initialize();
        // Wall-clock latency on a loaded CI machine is not under test: compute faults are raised through the temperature.
        return DeviceCoreFactory.Create(directory, watchdog ?? WatchdogOptions.Default with { LatencyRatio = 1000 }, remediation ?? RemediationOptions.Default, time, seed: 3, temperature ?? (() => 45.0));
    }

    public static byte[] Package(ReferenceModel model, string id, string version, string? parent = null, SparsityMask? mask = null) =>
        ModelPackageWriter.Write(ModelPackage.FromReference(model, id, version, parent, mask));

    /// <summary>Installs a package and returns its store key.</summary>
    public static string Install(ModelCatalog catalog, byte[] bytes)
    {
        var package = ModelPackageReader.Read(bytes).Package!;
        var key = catalog.Install(bytes, package);
        Assert.True(key.IsSuccess, key.Error?.ToString());
        return key.Value!;
    }

    /// <summary>Runs enough clean windows for the watchdog to arm its statistical triggers.</summary>
    public static void WarmUp(DeviceCore core, ManualTimeProvider time)
    {
        for (var w = 0; w < core.Watchdog.Options.WarmUpWindows + 5; w++)
        {
            var outcome = Window(core, time);
            Assert.Null(outcome.Episode);
        }

        Assert.True(core.Watchdog.IsWarm);
    }

    public static WindowOutcome Window(DeviceCore core, ManualTimeProvider time)
    {
        time.Advance(TimeSpan.FromSeconds(10));
        return core.RunWindow();
    }

    /// <summary>Damages one byte of the artifact stored under <paramref name="key"/>, as a failing disk would.</summary>
    public static void CorruptArtifact(WeightStore store, string key)
    {
        var path = Path.Combine(store.Root, "objects", store.GetVersion(key).Value!.ArtifactSha256);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x5A;
        File.WriteAllBytes(path, bytes);
    }
}
