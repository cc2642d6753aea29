namespace Fleet.Gateway.Distillation;

/// <summary>Where a distillation stands: the stage, the epoch reached and the mean loss of that epoch.</summary>
internal sealed record DistillationProgress(string Stage, int Epoch, int Epochs, double? Loss)
{
    /// <summary>0 … 100: labelling counts 10 %, training 85 %, validation and registration the rest.</summary>
    public double Percent => Stage switch
    {
        "labelling" => 5,
        "training" => 10 + (85.0 * Epoch / Math.Max(1, Epochs)),
        "validating" => 96,
        "registering" => 98,
        "done" => 100,
        _ => 0,
    };
}
