namespace Fleet.Gateway.Insights;

/// <summary>One failure signature of a model version: how often and on how many devices, and the median KL its insights reported.</summary>
internal sealed record SignatureRank(
    string Signature,
    string? Diagnosis,
    int Insights,
    int Devices,
    double? KlMean,
    double? KlMax,
    IReadOnlyDictionary<string, int> Outcomes);
