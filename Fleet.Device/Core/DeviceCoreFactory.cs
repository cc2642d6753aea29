using Fleet.Device.Healing;
using Fleet.Device.Inference;
using Fleet.Device.Monitoring;
using Fleet.Device.Simulation;
using Fleet.Device.Storage;
using Fleet.Shared.Health;
using Fleet.Shared.Models;

namespace Fleet.Device.Core;

/// <summary>Opens a device's store under its data directory, installs the factory default if needed and assembles a <see cref="DeviceCore"/>.</summary>
internal static class DeviceCoreFactory
{
    public static DeviceCore Create(string dataDirectory, WatchdogOptions watchdog, RemediationOptions remediation, TimeProvider time, int seed, Func<double?> temperature, byte[]? factoryPackage = null)
    {
        var catalog = new ModelCatalog(WeightStore.Open(Path.Combine(dataDirectory, "store")));
        if (ModelBootstrap.EnsureInstalled(catalog, factoryPackage) is { } problem)
        {
            throw new InvalidOperationException(problem);
        }

        var (host, startProblem) = ModelBootstrap.StartActive(catalog);
        if (host is null)
        {
            throw new InvalidOperationException($"no model in the store passes golden validation: {startProblem}");
        }

        var healer = new Healer(remediation, DiagnoserOptions.Default, catalog, time);
        return new DeviceCore(host, new Watchdog(watchdog), healer, new ControlStream(seed), temperature) { Catalog = catalog, Snippet = new OutputSnippet(HarmonicSynth.SampleRate) };
    }
}
