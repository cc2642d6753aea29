using System.Globalization;

namespace Fleet.Device.Simulation;

/// <summary>One fault, e.g. <c>bitflip:exponent</c>, with an optional duration for the faults that pass.</summary>
internal sealed record Fault(FaultKind Kind, string? Variant)
{
    /// <summary>How long drift and thermal faults last.</summary>
    public static TimeSpan Duration { get; } = TimeSpan.FromSeconds(60);

    public static readonly string[] BitFlipVariants = ["sign", "exponent", "mantissa"];

    /// <summary>The control a drift can name (<c>drift:pitch</c>), in input order; without one a drift picks a feature at random.</summary>
    public static readonly string[] DriftFeatures = ["pitch", "energy", "timbre"];

    public static bool TryParse(string text, out Fault? fault, out string? problem)
    {
        fault = null;
        var parts = (text ?? "").Trim().Split(':', 2);
        var kind = parts[0].ToLowerInvariant() switch
        {
            "bitflip" => FaultKind.BitFlip,
            "drift" => FaultKind.Drift,
            "thermal" => FaultKind.Thermal,
            "corrupt-artifact" => FaultKind.CorruptArtifact,
            "crash" => FaultKind.Crash,
            "quality" => FaultKind.Quality,
            _ => (FaultKind?)null,
        };
        if (kind is null)
        {
            problem = $"unknown fault '{parts[0]}' (bitflip[:sign|exponent|mantissa], drift[:pitch|energy|timbre], thermal, corrupt-artifact, crash, quality)";
            return false;
        }

        var variant = parts.Length > 1 ? parts[1].ToLowerInvariant() : null;
        if (kind == FaultKind.BitFlip && variant is not null && !BitFlipVariants.Contains(variant))
        {
            problem = $"unknown bit-flip variant '{variant}' (sign, exponent, mantissa)";
            return false;
        }

        if (kind == FaultKind.Drift && variant is not null && !DriftFeatures.Contains(variant))
        {
            problem = $"unknown drift feature '{variant}' (pitch, energy, timbre)";
            return false;
        }

        if (kind is not (FaultKind.BitFlip or FaultKind.Drift) && variant is not null)
        {
            problem = $"{parts[0]} takes no variant";
            return false;
        }

        fault = new Fault(kind.Value, variant);
        problem = null;
        return true;
    }

    public override string ToString()
    {
        var name = Kind == FaultKind.CorruptArtifact ? "corrupt-artifact" : Kind.ToString().ToLower(CultureInfo.InvariantCulture);
        return Variant is null ? name : $"{name}:{Variant}";
    }
}
