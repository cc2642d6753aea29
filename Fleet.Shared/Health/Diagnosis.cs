namespace Fleet.Shared.Health;

/// <summary>What kind of failure a device's model is suffering; chooses where the heal ladder starts.</summary>
public enum Diagnosis
{
    /// <summary>Live weights differ from their golden digests (a bit flip, bad memory, a corrupt write).</summary>
    Hardware = 0,

    /// <summary>Weights intact but the inputs moved away from the baseline distribution.</summary>
    DataDrift,

    /// <summary>Weights and inputs fine but inference is slow or the device is hot.</summary>
    Compute,

    /// <summary>None of the above: the model itself is wrong for what it sees.</summary>
    ModelQuality,
}
