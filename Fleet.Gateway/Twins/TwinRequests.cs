using System.Text.Json;
using Fleet.Shared.Protocol;

namespace Fleet.Gateway.Twins;

/// <summary>Asks a twin for its current view.</summary>
internal sealed record GetTwin(string DeviceId, TaskCompletionSource<TwinSnapshot> Reply) : ITwinMessage;

/// <summary>Writes desired state; <paramref name="ExpectedVersion"/> null means "on top of whatever is current" (system writes).</summary>
internal sealed record SetDesired(string DeviceId, int? ExpectedVersion, ModelManifest? Model, ThresholdSettings? Thresholds, string Actor, TaskCompletionSource<DesiredOutcome> Reply) : ITwinMessage;

/// <summary>Sends a command to the device and completes <paramref name="Reply"/> with its answer.</summary>
internal sealed record SendCommand(string DeviceId, string Name, JsonElement? Args, TaskCompletionSource<CommandResult> Reply) : ITwinMessage;

/// <summary>Quarantines (reason) or releases (null) the device.</summary>
internal sealed record SetQuarantine(string DeviceId, string? Reason, string Actor, TaskCompletionSource<bool> Reply) : ITwinMessage;

/// <summary>Fault injection: the twin throws, so its supervisor restarts it and it rehydrates from the store.</summary>
internal sealed record CrashTwin(string DeviceId) : ITwinMessage;
