using Fleet.Device.Core;

namespace Fleet.Device.Agent;

/// <summary>
/// Desired-state bookkeeping kept across restarts (<c>{data}/agent.json</c>): the highest desired version processed,
/// the refusal to report, and the thresholds in force.
/// </summary>
internal sealed record AgentState(long DesiredVersion, long? CannotApplyVersion, string? CannotApplyReason, double? KlMax, double? InputShiftMax)
{
    public static AgentState Fresh { get; } = new(0, null, null, null, null);
}
