using Fleet.Device.Storage;
using Fleet.Shared.Models;

namespace Fleet.Device.Simulation;

/// <summary>Applies a fault to a simulated device's live state (the crash fault is the actor's to raise).</summary>
internal sealed class FaultInjector(Random random, SimulatedSensors? sensors)
{
    public const double DriftOffset = 0.6;

    public const double ThermalCelsius = 92;

    /// <summary>
    /// Gain of the output layer under a quality fault: at 0.4 the output KL clears its dynamic threshold within two windows
    /// even at the demo's 100-inference windows (0.6 sat at the threshold there).
    /// </summary>
    public const float QualityGain = 0.4f;

    /// <summary>Injects <paramref name="fault"/>; returns what was done.</summary>
    public string Inject(Fault fault, IFaultTarget core, WeightStore store)
    {
        ArgumentNullException.ThrowIfNull(fault);
        ArgumentNullException.ThrowIfNull(core);
        ArgumentNullException.ThrowIfNull(store);
        switch (fault.Kind)
        {
            case FaultKind.BitFlip:
                var names = core.Host.Weights.Names;
                var name = names[random.Next(names.Count)];
                var tensor = core.Host.Weights[name];
                var index = random.Next(tensor.Length);
                var bit = (fault.Variant ?? Fault.BitFlipVariants[random.Next(3)]) switch
                {
                    "sign" => 31,
                    "exponent" => 23 + random.Next(8),
                    _ => random.Next(23),
                };
                ReferenceModels.FlipBit(tensor, index, bit);
                return $"flipped bit {bit} of {name}[{index}]";
            case FaultKind.Drift:
                var feature = fault.Variant is { } named ? Array.IndexOf(Fault.DriftFeatures, named) : random.Next(core.Input.Offset.Length);
                core.Input.Offset[feature] = (float)DriftOffset;
                return $"input feature {feature} drifts by {DriftOffset}";
            case FaultKind.Thermal:
                sensors?.SetTemperature(ThermalCelsius);
                core.InjectedLatencyUs = 500;
                return $"temperature {ThermalCelsius} °C, +500 µs per inference";
            case FaultKind.CorruptArtifact:
                var version = store.GetVersion(core.Host.StoreKey);
                if (!version.IsSuccess)
                {
                    return $"no artifact to corrupt: {version.Error}";
                }

                var path = Path.Combine(store.Root, "objects", version.Value!.ArtifactSha256);
                // Deliberately in place: this simulates the disk going bad under the store.
                using (var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
                {
                    var offset = random.NextInt64(file.Length);
                    file.Position = offset;
                    var b = file.ReadByte();
                    file.Position = offset;
                    file.WriteByte((byte)(b ^ 0x5A));
                }

                return $"damaged one byte of {core.Host.StoreKey} on disk";
            case FaultKind.Quality:
                // The output layer of the reference MLP is the highest-numbered w{l}; any model: its largest tensor.
                var weights = core.Host.Weights;
                var output = weights.Names.Where(k => k.Length > 1 && k[0] == 'w' && k[1..].All(char.IsAsciiDigit))
                    .OrderByDescending(k => int.Parse(k[1..], System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault()
                    ?? weights.Names.MaxBy(n => weights[n].Length)!;
                core.Host.DegradeForSimulation(output, QualityGain);
                return $"{output} scaled by {QualityGain} in the live weights and the golden snapshot (digests agree)";
            default:
                return "the crash fault is raised by the device actor";
        }
    }

    /// <summary>Ends the faults that pass (drift, thermal).</summary>
    public void Clear(Fault fault, IFaultTarget core)
    {
        ArgumentNullException.ThrowIfNull(fault);
        ArgumentNullException.ThrowIfNull(core);
        if (fault.Kind == FaultKind.Drift)
        {
            Array.Clear(core.Input.Offset);
        }
        else if (fault.Kind == FaultKind.Thermal)
        {
            sensors?.SetTemperature(45);
            core.InjectedLatencyUs = 0;
        }
    }
}
