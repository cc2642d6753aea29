namespace Fleet.Gateway.Store.Twins;

/// <summary>Device twins: desired state with optimistic concurrency, reported state ordered by (epoch, seq).</summary>
internal interface ITwinStore
{
    /// <summary>The twin, or null when the device is unknown; a known device without state has both sides null.</summary>
    Task<TwinRecord?> GetAsync(string deviceId, CancellationToken cancellationToken);

    /// <summary>
    /// Writes desired state as version <paramref name="expectedVersion"/> + 1 when the stored version is
    /// <paramref name="expectedVersion"/> (0 = none yet); a stale expectation is a <see cref="DesiredWriteStatus.VersionConflict"/>.
    /// </summary>
    Task<DesiredWriteResult> SetDesiredAsync(string deviceId, int expectedVersion, string json, CancellationToken cancellationToken);

    /// <summary>Stores a report when its (epoch, seq) is newer than the stored one; duplicates and retained replays are <see cref="ReportedWriteStatus.Stale"/>.</summary>
    Task<ReportedWriteStatus> SetReportedAsync(string deviceId, ReportedUpdate report, CancellationToken cancellationToken);

    /// <summary>Keeps <paramref name="json"/> as the device's latest event of <paramref name="kind"/>; false for an unknown device.</summary>
    Task<bool> SetLastEventAsync(string deviceId, TwinEventKind kind, string json, CancellationToken cancellationToken);
}
