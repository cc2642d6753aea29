namespace Fleet.Shared.Mcu;

/// <summary>Activation codes in the MCU image header.</summary>
public enum McuActivation : byte
{
    /// <summary>No activation: the layer's output is rescaled to the output's int8 scale.</summary>
    Identity = 0,
    /// <summary>tanh through the image's 2048-entry table over [-4, 4) in steps of 1/256; output scale 1/127.</summary>
    Tanh = 1,
}
