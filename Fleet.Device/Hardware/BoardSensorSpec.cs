using System.Globalization;

namespace Fleet.Device.Hardware;

/// <summary>One configured I²C sensor: <c>KIND:BUS:ADDRESS</c>, e.g. <c>bme280:1:0x76</c> or <c>ina219:1:0x40</c>.</summary>
internal sealed record BoardSensorSpec(BoardSensorKind Kind, int Bus, int Address)
{
    public const string Syntax = "KIND:BUS:ADDRESS with KIND bme280 or ina219, BUS ≥ 0 and ADDRESS a 7-bit I²C address (e.g. bme280:1:0x76)";

    /// <summary>How logs and metrics name it: <c>bme280@1:0x76</c>.</summary>
    public string Name => string.Create(CultureInfo.InvariantCulture, $"{Kind.ToString().ToLowerInvariant()}@{Bus}:0x{Address:x2}");

    public static (BoardSensorSpec? Spec, string? Problem) Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(':');
        if (parts.Length != 3)
        {
            return (null, $"'{text}' is not {Syntax}");
        }

        BoardSensorKind? kind = parts[0].ToLowerInvariant() switch
        {
            "bme280" => BoardSensorKind.Bme280,
            "ina219" => BoardSensorKind.Ina219,
            _ => null,
        };
        if (kind is null)
        {
            return (null, $"'{parts[0]}' is not a supported I²C sensor (bme280, ina219)");
        }

        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var bus) || bus > 255)
        {
            return (null, $"I²C bus '{parts[1]}' is not a number from 0 to 255");
        }

        var address = parts[2];
        var hex = address.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
        if (!int.TryParse(hex ? address[2..] : address, hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            || value is < 0x03 or > 0x77)
        {
            return (null, $"I²C address '{address}' is not a 7-bit device address (0x03–0x77)");
        }

        return (new BoardSensorSpec(kind.Value, bus, value), null);
    }
}
