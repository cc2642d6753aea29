using System.Globalization;

namespace Fleet.Device.Mcu;

/// <summary>
/// <c>fleet-device --mcu LINK [--broker HOST:PORT] [--username U] [--password P] [--data DIR] [--shard-count N] [--fleet-key PEM]
/// [--input-range MIN:MAX] [--max-error E]</c>: LINK is <c>tcp:HOST:PORT</c> (a socket standing in for the UART, e.g.
/// QEMU's <c>-serial tcp:…,server=on</c>) or a serial device path whose line settings were made beforehand
/// (<c>stty -F /dev/ttyACM0 115200 raw -echo</c>). DIR holds each MCU's on-disk event queue
/// (<c>DIR/ID/queue</c>); PEM is the fleet's public key, without which model updates are refused; the input range
/// and error bound are those of <c>fleet models export-mcu</c>, used when the hub quantises a model update.
/// </summary>
internal sealed record McuBridgeOptions(string Link, string BrokerHost, int BrokerPort, string? Username, string? Password)
{
    public const string Usage = "usage: fleet-device --mcu tcp:HOST:PORT|SERIALDEVICE [--broker HOST:PORT] [--username U] [--password P] [--data DIR] [--fleet-key PEM] [--input-range MIN:MAX] [--max-error E]";

    /// <summary>Where each MCU's event queue lives (<c>DIR/ID/queue</c>).</summary>
    public string DataDirectory { get; init; } = "fleet-mcu-data";

    /// <summary>The fleet's public key (PEM); null refuses every model update.</summary>
    public string? FleetKeyPath { get; init; }

    /// <summary>The MCU's sensor range for quantising updates (null: the golden inputs' range).</summary>
    public (float Min, float Max)? InputRange { get; init; }

    /// <summary>The gateway's shard count (the shard in each MCU's topics depends on it).</summary>
    public int ShardCount { get; init; } = Fleet.Shared.Protocol.Sharding.DefaultShardCount;

    /// <summary>Largest relative RMS error of a quantised update accepted.</summary>
    public double MaxError { get; init; } = 0.05;

    public static (McuBridgeOptions? Options, string? Problem) Parse(IReadOnlyList<string> args)
    {
        if (args.Count < 2 || args[0] != "--mcu")
        {
            return (null, "expected --mcu LINK");
        }

        var options = new McuBridgeOptions(args[1], "127.0.0.1", 1883, null, null);
        for (var i = 2; i < args.Count; i += 2)
        {
            if (i + 1 >= args.Count)
            {
                return (null, $"{args[i]} needs a value");
            }

            var value = args[i + 1];
            switch (args[i])
            {
                case "--broker":
                    var colon = value.LastIndexOf(':');
                    if (colon <= 0 || !int.TryParse(value[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
                    {
                        return (null, $"--broker '{value}' is not HOST:PORT");
                    }

                    options = options with { BrokerHost = value[..colon], BrokerPort = port };
                    break;
                case "--username":
                    options = options with { Username = value };
                    break;
                case "--password":
                    options = options with { Password = value };
                    break;
                case "--data":
                    options = options with { DataDirectory = value };
                    break;
                case "--shard-count":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var shards) || shards is < 1 or > 4096)
                    {
                        return (null, $"--shard-count '{value}' is not a whole number from 1 to 4096 (the gateway's Fleet:ShardCount)");
                    }

                    options = options with { ShardCount = shards };
                    break;
                case "--fleet-key":
                    options = options with { FleetKeyPath = value };
                    break;
                case "--input-range":
                    var parts = value.Split(':');
                    if (parts.Length != 2 || !float.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var min)
                        || !float.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var max) || !float.IsFinite(min) || !float.IsFinite(max) || !(max > min))
                    {
                        return (null, $"--input-range '{value}' is not MIN:MAX with MIN < MAX");
                    }

                    options = options with { InputRange = (min, max) };
                    break;
                case "--max-error":
                    if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var bound) || !(bound > 0) || !double.IsFinite(bound))
                    {
                        return (null, $"--max-error '{value}' is not a positive number");
                    }

                    options = options with { MaxError = bound };
                    break;
                default:
                    return (null, $"unknown option {args[i]}");
            }
        }

        return options.Link.StartsWith("tcp:", StringComparison.Ordinal) && TryTcp(options.Link, out _, out _) is false
            ? (null, $"--mcu '{options.Link}' is not tcp:HOST:PORT")
            : (options, null);
    }

    /// <summary>Splits <c>tcp:HOST:PORT</c>.</summary>
    public static bool TryTcp(string link, out string host, out int port)
    {
        host = "";
        port = 0;
        if (!link.StartsWith("tcp:", StringComparison.Ordinal))
        {
            return false;
        }

        var rest = link[4..];
        var colon = rest.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(rest[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
        {
            return false;
        }

        host = rest[..colon];
        return true;
    }
}
