namespace Fleet.Gateway.Distillation;

/// <summary>
/// A distillation as the API shows it: <see cref="State"/> is <c>running</c>, <c>succeeded</c> or <c>failed</c>;
/// <see cref="Progress"/> the stage, epoch and loss; <see cref="InsightIds"/> the insights whose region sketches it learned from.
/// </summary>
internal sealed record DistillationJob(
    string Id,
    string ModelId,
    string FromVersion,
    string TeacherVersion,
    string NewVersion,
    string State,
    DistillationProgress Progress,
    IReadOnlyList<long> InsightIds,
    IReadOnlyDictionary<string, double>? Metrics,
    string? Error,
    DateTimeOffset Started,
    DateTimeOffset? Finished) : IFleetClusterMessage
{
    public static readonly DistillationJob None = new("", "", "", "", "", "none", new DistillationProgress("none", 0, 0, null), [], null, null, default, null);

    public double Percent => Progress.Percent;

    /// <summary>True for <see cref="None"/>, also after it crossed nodes (compared by state, not by reference).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsNone => State == None.State;
}
