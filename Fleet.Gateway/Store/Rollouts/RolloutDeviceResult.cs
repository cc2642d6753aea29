namespace Fleet.Gateway.Store.Rollouts;

/// <summary>The latest outcome of one device in a rollout (e.g. <c>committed</c>, <c>rolledBack</c>, <c>refused</c>).</summary>
internal sealed record RolloutDeviceResult(string RolloutId, string DeviceId, int Wave, string Outcome, DateTimeOffset Time);
