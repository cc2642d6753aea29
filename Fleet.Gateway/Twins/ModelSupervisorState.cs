namespace Fleet.Gateway.Twins;

/// <summary>What the model supervisor has done about the device's model.</summary>
internal sealed record ModelSupervisorState(int FailuresInWindow, IReadOnlyList<string> ActionsTaken, bool Escalated);
