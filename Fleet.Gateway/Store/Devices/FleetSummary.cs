namespace Fleet.Gateway.Store.Devices;

/// <summary>Fleet-wide device counts.</summary>
/// <param name="ByHealth">One state per device, the one the dashboard draws it in: <see cref="QuarantinedState"/> first,
/// then <see cref="OfflineState"/>, then the reported health (<see cref="Unknown"/> before the first report).</param>
internal sealed record FleetSummary(
    int Total,
    int Online,
    int Quarantined,
    IReadOnlyDictionary<string, int> ByHealth,
    IReadOnlyDictionary<string, int> ByModelVersion)
{
    /// <summary>The key for devices that have not reported a health state or model version.</summary>
    public const string Unknown = "unknown";

    /// <summary>The state of an offline device in <see cref="ByHealth"/>, whatever it last reported.</summary>
    public const string OfflineState = "offline";

    /// <summary>The state of a quarantined device in <see cref="ByHealth"/>.</summary>
    public const string QuarantinedState = "quarantined";
}
