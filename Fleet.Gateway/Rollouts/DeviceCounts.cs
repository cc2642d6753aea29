namespace Fleet.Gateway.Rollouts;

/// <summary>Devices of a rollout by where they are.</summary>
internal sealed record DeviceCounts(int Total, int Pending, int Updating, int Committed, int Failed, int RolledBack);
