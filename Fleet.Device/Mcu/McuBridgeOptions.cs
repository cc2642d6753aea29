using System.Globalization;

namespace Fleet.Device.Mcu;

/// <summary>
/// <c>fleet-device --mcu LINK [--broker HOST:PORT] [--username U] [--password P]</c>: LINK is <c>tcp:HOST:PORT</c>
/// (a socket standing in for the UART, e.g. QEMU's <c>-serial tcp:…,server=on</c>) or a serial device path whose line
/// settings were made beforehand (<c>stty -F /dev/ttyACM0 115200 raw -echo</c>).
/// </summary>
internal sealed record McuBridgeOptions(string Link, string BrokerHost, int BrokerPort, string? Username, string? Password)
{
    public const string Usage = "usage: fleet-device --mcu tcp:HOST:PORT|SERIALDEVICE [--broker HOST:PORT] [--username U] [--password P]";

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
