namespace Fleet.Shared.Actors.Supervision;

/// <summary>Restarts a child that stopped or failed after a growing, jittered delay (Akka's BackoffSupervisor).</summary>
/// <remarks>
/// <para>The supervisor stops a failing child (no in-place restart) and re-creates it after the delay of
/// <see cref="BackoffOptions"/>; it restarts it likewise when the child stops on its own. Other messages are forwarded
/// to the child, keeping their sender; while no child runs they become dead letters.</para>
/// <para>Query it with <see cref="GetCurrentChild"/> (reply <see cref="CurrentChild"/>), <see cref="GetRestartCount"/>
/// (reply <see cref="RestartCount"/>); <see cref="ResetBackoff"/> sets the count back to 0. Delays run on the
/// system's <see cref="TimeProvider"/>.</para>
/// </remarks>
public static class BackoffSupervisor
{
    /// <summary>Props of a backoff supervisor for <paramref name="options"/>.</summary>
    public static Props Props(BackoffOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return Actors.Props.Create(() => new BackoffSupervisorActor(options)).WithSupervisorStrategy(SupervisorStrategy.Stopping);
    }
}
