using System.CommandLine;
using Fleet.Cli.Demo;
using Fleet.Cli.Models;
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

var root = new RootCommand("fleet — operate a fleet of self-healing edge ML devices");
root.Add(DemoCommand.Create());
root.Add(ModelCommand.Create());
root.Add(new Command("mqtt", "publish and subscribe like mosquitto_pub/mosquitto_sub (fleet mqtt pub|sub --help)"));
return await root.Parse(args).InvokeAsync();
