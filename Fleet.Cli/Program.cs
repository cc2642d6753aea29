using System.CommandLine;
using Fleet.Cli.Demo;

var root = new RootCommand("fleet — operate a fleet of self-healing edge ML devices");
root.Add(DemoCommand.Create());
return await root.Parse(args).InvokeAsync();
