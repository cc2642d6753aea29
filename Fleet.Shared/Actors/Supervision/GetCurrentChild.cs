namespace Fleet.Shared.Actors.Supervision;

/// <summary>Asks a <see cref="BackoffSupervisor"/> for its current child.</summary>
public sealed class GetCurrentChild
{
    private GetCurrentChild()
    {
    }

    /// <summary>The single instance.</summary>
    public static GetCurrentChild Instance { get; } = new();
}
