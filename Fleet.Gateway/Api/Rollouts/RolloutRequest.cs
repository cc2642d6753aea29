using Fleet.Gateway.Rollouts;

namespace Fleet.Gateway.Api.Rollouts;

/// <summary>The body of <c>POST /api/v1/rollouts</c>.</summary>
internal sealed record RolloutRequest(string? ModelId, string? Version, RolloutPolicyBody? Policy, IReadOnlyList<string>? Devices);
