namespace Fleet.Gateway.Store.Healing;

/// <summary>
/// One remediation episode on a device: the record that closes the feedback loop between device
/// healing, fleet incident detection and distillation. <see cref="EventId"/> is unique per device.
/// </summary>
/// <param name="Time">When the gateway received the episode (its own clock; device clocks are informational).</param>
/// <param name="RungsJson">The ladder rungs tried, a JSON array as in docs/PROTOCOL.md.</param>
/// <param name="Remediation">The rung that ended the episode, or null when none did.</param>
/// <param name="DeviceTime">When the device says it healed (its <c>ts</c>; informational, its clock may be off), or null when it sent none.</param>
internal sealed record HealEventRecord(
    string DeviceId,
    string EventId,
    DateTimeOffset Time,
    string Diagnosis,
    string Trigger,
    string RungsJson,
    string? Remediation,
    string Outcome,
    string ModelVersion,
    DateTimeOffset? DeviceTime = null);
