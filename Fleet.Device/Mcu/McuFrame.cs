namespace Fleet.Device.Mcu;

/// <summary>One validated frame of the MCU link.</summary>
internal sealed record McuFrame(McuFrameType Type, byte Sequence, byte[] Payload);
