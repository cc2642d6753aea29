namespace Fleet.Gateway.Rollouts;

/// <summary>A rollout as the API, the event stream and the CLI show it (docs: rollout API contract).</summary>
internal sealed record RolloutView(
    string Id,
    string ModelId,
    string Version,
    string FromVersion,
    string State,
    string? Reason,
    DateTimeOffset Created,
    DateTimeOffset Updated,
    RolloutPolicyBody Policy,
    int CurrentWave,
    DeviceCounts Devices,
    IReadOnlyList<WaveView> Waves);
