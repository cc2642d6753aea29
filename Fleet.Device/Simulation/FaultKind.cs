namespace Fleet.Device.Simulation;

/// <summary>Faults a simulated device can suffer.</summary>
internal enum FaultKind
{
    /// <summary>A bit flip in a live weight (variant: sign, exponent, mantissa).</summary>
    BitFlip = 1,

    /// <summary>The inputs move out of the region the model was trained on (for a while).</summary>
    Drift,

    /// <summary>The CPU runs hot and slow: sensor temperature up, latency up (for a while).</summary>
    Thermal,

    /// <summary>A byte of the active artifact on disk is damaged.</summary>
    CorruptArtifact,

    /// <summary>The device's model actor crashes; its supervisor restarts it.</summary>
    Crash,

    /// <summary>
    /// The model itself goes subtly wrong while its weights stay self-consistent (as from a bad training run): the
    /// output layer loses gain in the live weights and in the golden snapshot alike, so digests agree and only the
    /// output distribution shows it.
    /// </summary>
    Quality,
}
