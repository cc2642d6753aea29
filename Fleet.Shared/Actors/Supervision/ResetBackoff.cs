namespace Fleet.Shared.Actors.Supervision;

/// <summary>Sets a <see cref="BackoffSupervisor"/>'s restart count back to 0.</summary>
public sealed class ResetBackoff
{
    private ResetBackoff()
    {
    }

    /// <summary>The single instance.</summary>
    public static ResetBackoff Instance { get; } = new();
}
