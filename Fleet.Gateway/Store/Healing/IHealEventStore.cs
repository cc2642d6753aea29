namespace Fleet.Gateway.Store.Healing;

/// <summary>Heal episodes reported by devices: idempotent append, per-device history, per-model time windows.</summary>
internal interface IHealEventStore
{
    /// <summary>Stores the event; false when (device id, event id) is already stored (a redelivery), which changes nothing.</summary>
    Task<bool> AppendAsync(HealEventRecord healEvent, CancellationToken cancellationToken);

    /// <summary>A device's episodes newest first; pass the previous page's cursor as <paramref name="after"/>.</summary>
    Task<HealEventPage> ListByDeviceAsync(string deviceId, int limit, string? after, CancellationToken cancellationToken);

    /// <summary>Episodes on a model version with <paramref name="from"/> ≤ time &lt; <paramref name="to"/>, oldest first.</summary>
    Task<HealEventPage> ListByModelVersionAsync(string modelVersion, DateTimeOffset from, DateTimeOffset to, int limit, string? after, CancellationToken cancellationToken);

    /// <summary>Replaces the device's kept output excerpts with these (the latest heal that carried any).</summary>
    Task SaveWaveformsAsync(HealWaveforms waveforms, CancellationToken cancellationToken);

    /// <summary>The device's kept output excerpts, or null when none were ever sent.</summary>
    Task<HealWaveforms?> GetWaveformsAsync(string deviceId, CancellationToken cancellationToken);

    /// <summary>Counts per (diagnosis, outcome) in the window, for fleet incident detection.</summary>
    Task<IReadOnlyList<HealSignatureCount>> SummarizeAsync(string modelVersion, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);
}
