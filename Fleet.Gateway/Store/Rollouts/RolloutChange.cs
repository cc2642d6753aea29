namespace Fleet.Gateway.Store.Rollouts;

/// <summary>The next state and wave of a rollout, applied only over <see cref="ExpectedVersion"/>.</summary>
internal sealed record RolloutChange(int ExpectedVersion, RolloutState State, int WaveIndex, string? Reason = null);
