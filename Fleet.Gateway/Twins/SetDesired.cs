using Fleet.Shared.Protocol;

namespace Fleet.Gateway.Twins;

/// <summary>
/// Writes desired state; <paramref name="ExpectedVersion"/> null means "on top of whatever is current" (system writes).
/// Answered to the sender with a <see cref="DesiredOutcome"/> once stored and published (a <c>Status.Failure</c> if the write failed).
/// </summary>
internal sealed record SetDesired(string DeviceId, int? ExpectedVersion, ModelManifest? Model, ThresholdSettings? Thresholds, string Actor) : ITwinMessage;
