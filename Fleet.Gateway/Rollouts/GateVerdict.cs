namespace Fleet.Gateway.Rollouts;

/// <summary>A wave's gate decision: <see cref="GateDecision.Wait"/> (soak not over), pass, or fail with the reasons.</summary>
internal sealed record GateVerdict(GateDecision Decision, IReadOnlyList<string> Reasons)
{
    public static GateVerdict Wait(string reason) => new(GateDecision.Wait, [reason]);
}
