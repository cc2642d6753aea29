namespace Fleet.Gateway.Rollouts;

/// <summary>Outcome of a request to the <see cref="RolloutManager"/>.</summary>
internal enum RolloutRequestStatus
{
    Done,

    /// <summary>The request names something the gateway does not know (model version, rollout, device).</summary>
    NotFound,

    /// <summary>The fleet's state forbids it (another rollout of the model, a terminal rollout, no version to roll back to).</summary>
    Conflict,
}
