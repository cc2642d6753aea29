namespace Fleet.Gateway.Rollouts;

/// <summary>One device's latest outcome in a rollout.</summary>
internal sealed record DeviceResultView(string DeviceId, int Wave, string Outcome, DateTimeOffset Time);
