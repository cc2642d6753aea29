using System.Text.Json.Serialization;

namespace Fleet.Gateway.Supervision;

/// <summary>A failure signature shared by a policy's share of a model version's devices, and what was done about it.</summary>
internal sealed record FleetIncident(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("raised")] DateTimeOffset Raised,
    [property: JsonPropertyName("diagnosis")] string Diagnosis,
    [property: JsonPropertyName("modelId")] string? ModelId,
    [property: JsonPropertyName("modelVersion")] string ModelVersion,
    [property: JsonPropertyName("devices")] int Devices,
    [property: JsonPropertyName("devicesOnVersion")] int DevicesOnVersion,
    [property: JsonPropertyName("share")] double Share,
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("rollbackTo")] string? RollbackTo,
    [property: JsonPropertyName("rolledBackDevices")] int RolledBackDevices)
{
    /// <summary>The audit-log target every incident is filed under (the log is the incidents' durable home).</summary>
    public const string AuditTarget = "fleet/incidents";

    public const string AuditAction = "fleet.incident";
}
