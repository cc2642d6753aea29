namespace Fleet.Device.Agent;

/// <summary>
/// How often a device's <see cref="ModelActor"/> may crash and be restarted before its agent gives up (Erlang/OTP
/// intensity and period). Past the budget the model actor is stopped, the agent stops with it, and systemd's
/// watchdog, pinged only while inference makes progress, restarts the process.
/// </summary>
/// <param name="MaxRestarts">Restarts allowed within <paramref name="Within"/>.</param>
/// <param name="Within">The window, fixed from the first failure in it (Akka's restart statistics).</param>
internal sealed record AgentSupervision(int MaxRestarts, TimeSpan Within)
{
    /// <summary>20 restarts a minute.</summary>
    public static AgentSupervision Default { get; } = new(20, TimeSpan.FromMinutes(1));

    public AgentSupervision Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(MaxRestarts);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Within, TimeSpan.Zero);
        return this;
    }
}
