namespace Fleet.Device.Mcu;

/// <summary>Frame types of the MCU link (docs/MCU-LINK.md).</summary>
internal enum McuFrameType : byte
{
    /// <summary>MCU → hub: the MCU's device id (ASCII), sent once after boot.</summary>
    Hello = 0x01,

    /// <summary>MCU → hub: one protocol payload: a topic byte (<see cref="McuTopic"/>) then the JSON.</summary>
    Message = 0x02,

    /// <summary>Hub → MCU: desired-state JSON.</summary>
    Desired = 0x10,

    /// <summary>Hub → MCU: command JSON.</summary>
    Command = 0x11,

    /// <summary>Hub → MCU: the hub's clock, u64 little-endian milliseconds since 1970, in answer to every hello.</summary>
    Time = 0x12,
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
