namespace Fleet.Gateway.Store.Rollouts;

internal enum RolloutState
{
    Pending,
    Running,
    Paused,
    Aborted,
    Completed,
    RolledBack,
}
