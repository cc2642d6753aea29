using System.Text.Json.Serialization;

namespace Fleet.Shared.Protocol;

/// <summary><c>…/status</c>: whether the device is online; also its Last Will.</summary>
/// <remarks><see cref="Seq"/> is absent in the Last Will, which is fixed at connect time and published by the broker later.</remarks>
public sealed record StatusMessage : WireEnvelope
{
    /// <summary>The device's message counter; null in the Last Will.</summary>
    [JsonPropertyName("seq")]
    [JsonPropertyOrder(OrderSeq)]
    public long? Seq { get; init; }

    /// <summary>Online or offline.</summary>
    [JsonPropertyOrder(PayloadAfterEnvelope)]
    [JsonPropertyName("state")]
    public required DeviceState State { get; init; }

    /// <summary>Why offline; null when online.</summary>
    [JsonPropertyOrder(PayloadAfterEnvelope)]
    [JsonPropertyName("reason")]
    public OfflineReason? Reason { get; init; }

    /// <summary>Agent name and version, e.g. <c>fleet-device/1.0.0</c>.</summary>
    [JsonPropertyOrder(PayloadAfterEnvelope)]
    [JsonPropertyName("agent")]
    public string? Agent { get; init; }

    /// <summary>The Last Will every device registers: offline, lost, no seq.</summary>
    public static StatusMessage LastWill { get; } = new() { State = DeviceState.Offline, Reason = OfflineReason.Lost };
}
