namespace Fleet.Gateway.Rollouts;

/// <summary>One wave: <c>waiting|updating|soaking|passed|failed</c>, its devices' progress, and its last gate verdict.</summary>
internal sealed record WaveView(int Index, int Size, string State, int Updating, int Committed, int Failed, int RolledBack, DateTimeOffset? SoakEndsAt, GateView? Gate);
