using System.Text.Json;
using Fleet.Shared.Protocol;

namespace Fleet.Gateway.Twins;

/// <summary>Sends a command to the device and completes <paramref name="Reply"/> with its answer.</summary>
internal sealed record SendCommand(string DeviceId, string Name, JsonElement? Args, TaskCompletionSource<CommandResult> Reply) : ITwinMessage;
