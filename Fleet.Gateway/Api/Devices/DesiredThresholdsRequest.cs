namespace Fleet.Gateway.Api.Devices;

/// <summary>Trigger levels for the device.</summary>
internal sealed record DesiredThresholdsRequest(double? KlMax, double? InputShiftMax);
