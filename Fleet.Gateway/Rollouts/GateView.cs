namespace Fleet.Gateway.Rollouts;

/// <summary>A gate verdict: <c>wait|pass|fail</c> and why.</summary>
internal sealed record GateView(string Decision, IReadOnlyList<string> Reasons);
