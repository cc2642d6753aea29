using System.CommandLine;
using Fleet.Cli.Demo;
using Fleet.Cli.Models;

var root = new RootCommand("fleet — operate a fleet of self-healing edge ML devices");
root.Add(DemoCommand.Create());
root.Add(ModelCommand.Create());
return await root.Parse(args).InvokeAsync();
