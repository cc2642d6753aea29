namespace Fleet.Gateway.Store.Devices;

/// <summary>Fleet-wide device counts; devices without a report count under <see cref="Unknown"/>.</summary>
internal sealed record FleetSummary(
    int Total,
    int Online,
    int Quarantined,
    IReadOnlyDictionary<string, int> ByHealth,
    IReadOnlyDictionary<string, int> ByModelVersion)
{
    /// <summary>The key for devices that have not reported a health state or model version.</summary>
    public const string Unknown = "unknown";
}
