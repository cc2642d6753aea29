namespace Fleet.Shared.Actors.Supervision;

/// <summary>Asks a <see cref="BackoffSupervisor"/> how many consecutive restarts it has made.</summary>
public sealed class GetRestartCount
{
    private GetRestartCount()
    {
    }

    /// <summary>The single instance.</summary>
    public static GetRestartCount Instance { get; } = new();
}
