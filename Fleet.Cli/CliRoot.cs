using System.CommandLine;
using Fleet.Cli.Demo;
using Fleet.Cli.Devices;
using Fleet.Cli.Fleet;
using Fleet.Cli.Models;
using Fleet.Cli.Registry;
using Fleet.Cli.Rollouts;

namespace Fleet.Cli;

/// <summary>The <c>fleet</c> command tree; Program parses with it, tests invoke it in-process.</summary>
internal static class CliRoot
{
    public static RootCommand Create()
    {
        var root = new RootCommand("fleet — operate a fleet of self-healing edge ML devices");
        root.Add(DemoCommand.Create());
        root.Add(ModelCommand.Create());
        root.Add(DevicesCommand.Create());
        root.Add(StatusCommand.Create());
        root.Add(IncidentsCommand.Create());
        root.Add(RejectionsCommand.Create());
        root.Add(ClusterCommand.Create());
        root.Add(ModelsCommand.Create());
        root.Add(RolloutsCommand.Create());
        return root;
    }
}
