using System.Text.Json;
using Fleet.Shared.Protocol;

namespace Fleet.Gateway.Twins;

/// <summary>Writes desired state; <paramref name="ExpectedVersion"/> null means "on top of whatever is current" (system writes).</summary>
internal sealed record SetDesired(string DeviceId, int? ExpectedVersion, ModelManifest? Model, ThresholdSettings? Thresholds, string Actor, TaskCompletionSource<DesiredOutcome> Reply) : ITwinMessage;
