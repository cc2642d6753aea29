using System.CommandLine;
using Fleet.Cli.Mqtt;

// mosquitto-style options use -h for the host, so `fleet mqtt` parses its own arguments.
if (args is ["mqtt", ..])
{
    using var cancel = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        cancel.Cancel();
    };
    return await MqttCommand.RunAsync(args[1..], Console.In, Console.Out, Console.Error, cancel.Token);
}

var root = Fleet.Cli.CliRoot.Create();
root.Add(new Command("mqtt", "publish and subscribe like mosquitto_pub/mosquitto_sub (fleet mqtt pub|sub --help)"));
return await root.Parse(args).InvokeAsync();
