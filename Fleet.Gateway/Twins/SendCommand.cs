using System.Text.Json;

namespace Fleet.Gateway.Twins;

/// <summary>
/// Sends a command to the device; answered to the sender with the device's <c>CommandResult</c>, or a
/// <c>Status.Failure</c> when it could not be sent or the twin stopped first.
/// </summary>
internal sealed record SendCommand(string DeviceId, string Name, JsonElement? Args) : ITwinMessage;
