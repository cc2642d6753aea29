namespace Fleet.Gateway.Insights;

/// <summary>
/// The fleet's view of where a model version fails: its failure signatures ranked by the number of devices reporting
/// them, and the robust aggregate of the failing input regions (one vote per device: its latest sketch).
/// <see cref="InsightIds"/> are the insights whose sketches voted (a distilled model's lineage names them).
/// </summary>
internal sealed record InsightSummary(
    string ModelId,
    string ModelVersion,
    int Insights,
    int Devices,
    long LastInsightId,
    IReadOnlyList<SignatureRank> Signatures,
    AggregatedRegion? Region,
    IReadOnlyList<long> InsightIds,
    int Rejected) : IFleetClusterMessage;
