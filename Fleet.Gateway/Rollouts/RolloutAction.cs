namespace Fleet.Gateway.Rollouts;

/// <summary>What an operator can do to a rollout.</summary>
internal enum RolloutAction
{
    /// <summary>Send the version to no more devices (outcomes of devices already updating are still recorded).</summary>
    Pause,

    Resume,

    /// <summary>Stop for good and set every device that took the version back to the previous one.</summary>
    Abort,
}
