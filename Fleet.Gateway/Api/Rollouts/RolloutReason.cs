namespace Fleet.Gateway.Api.Rollouts;

/// <summary>The optional body of pause, resume and abort.</summary>
internal sealed record RolloutReason(string? Reason);
