namespace Fleet.Device.Mcu;

/// <summary>Frame types of the MCU link (docs/MCU-LINK.md).</summary>
internal enum McuFrameType : byte
{
    /// <summary>MCU → hub: the MCU's device id (ASCII), sent once after boot.</summary>
    Hello = 0x01,

    /// <summary>MCU → hub: one protocol payload: a topic byte (<see cref="McuTopic"/>) then the JSON.</summary>
    Message = 0x02,

    /// <summary>MCU → hub: the outcome of an <see cref="ImageData"/> or <see cref="ImageEnd"/> frame: its type, its sequence, a signed status byte (0 = accepted).</summary>
    Ack = 0x03,

    /// <summary>Hub → MCU: the link's flat desired-state JSON (docs/MCU-LINK.md), translated from PROTOCOL.md's desired state by the hub.</summary>
    Desired = 0x10,

    /// <summary>Hub → MCU: command JSON.</summary>
    Command = 0x11,

    /// <summary>Hub → MCU: the hub's clock, u64 little-endian milliseconds since 1970, in answer to every hello.</summary>
    Time = 0x12,

    /// <summary>Hub → MCU: u32 little-endian offset, then up to 1020 bytes of the model image announced by the last desired frame.</summary>
    ImageData = 0x13,

    /// <summary>Hub → MCU: the image is complete; the MCU verifies (SHA-256), validates and installs it, or refuses it.</summary>
    ImageEnd = 0x14,

    /// <summary>Hub → MCU: say hello, then send status and report (the hub attached, or reconnected to the broker).</summary>
    Sync = 0x15,
}

/// <summary>The topic byte of a <see cref="McuFrameType.Message"/> frame: where the hub publishes the payload.</summary>
internal enum McuTopic : byte
{
    Status = 0,
    Report = 1,
    Telemetry = 2,
    Events = 3,
    CommandResult = 4,
}
