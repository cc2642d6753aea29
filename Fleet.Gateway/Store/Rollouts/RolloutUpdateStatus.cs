namespace Fleet.Gateway.Store.Rollouts;

internal enum RolloutUpdateStatus
{
    Updated,

    /// <summary>The stored version differs from the expected one, or the rollout already ended; nothing changed.</summary>
    Conflict,

    NotFound,
}
