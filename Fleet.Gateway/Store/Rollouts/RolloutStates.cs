namespace Fleet.Gateway.Store.Rollouts;

internal static class RolloutStates
{
    /// <summary>Aborted, completed and rolled-back rollouts never change again.</summary>
    public static bool IsTerminal(this RolloutState state) =>
        state is RolloutState.Aborted or RolloutState.Completed or RolloutState.RolledBack;
}
