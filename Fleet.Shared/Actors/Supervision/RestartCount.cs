namespace Fleet.Shared.Actors.Supervision;

/// <summary>Reply to <see cref="GetRestartCount"/>.</summary>
/// <param name="Count">Consecutive restarts since the last reset.</param>
public sealed record RestartCount(int Count);
