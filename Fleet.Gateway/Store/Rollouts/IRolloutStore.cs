namespace Fleet.Gateway.Store.Rollouts;

/// <summary>Rollouts and their per-device results: enough to resume a rollout after a gateway restart.</summary>
internal interface IRolloutStore
{
    /// <summary>Creates a pending rollout; false when the id exists.</summary>
    Task<bool> CreateAsync(NewRollout rollout, CancellationToken cancellationToken);

    Task<RolloutRecord?> GetAsync(string rolloutId, CancellationToken cancellationToken);

    /// <summary>Rollouts in any of <paramref name="states"/> (all when empty), newest first.</summary>
    Task<IReadOnlyList<RolloutRecord>> ListAsync(IReadOnlyCollection<RolloutState> states, CancellationToken cancellationToken);

    /// <summary>Moves a rollout to a new state and wave when its version matches; a terminal rollout never changes.</summary>
    Task<RolloutUpdateResult> UpdateAsync(string rolloutId, RolloutChange change, CancellationToken cancellationToken);

    /// <summary>Records (or replaces) a device's outcome in a rollout; false when the rollout is unknown.</summary>
    Task<bool> RecordDeviceResultAsync(string rolloutId, string deviceId, int wave, string outcome, CancellationToken cancellationToken);

    /// <summary>Device results ordered by wave, then device id.</summary>
    Task<IReadOnlyList<RolloutDeviceResult>> ListDeviceResultsAsync(string rolloutId, CancellationToken cancellationToken);
}
