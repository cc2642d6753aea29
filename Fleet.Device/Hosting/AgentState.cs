namespace Fleet.Device.Hosting;

/// <summary>
/// What the agent keeps across restarts besides the weight store and the queue: the seq reservation and epoch,
/// and the desired-state bookkeeping (<c>{data}/agent.json</c>, written atomically).
/// </summary>
internal sealed record AgentState(long Epoch, long SeqReserved, long DesiredVersion, long? CannotApplyVersion, string? CannotApplyReason);
