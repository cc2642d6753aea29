using System.CommandLine;
using Fleet.Cli.Connection;

namespace Fleet.Cli.Rollouts;

/// <summary><c>fleet rollouts start|status|pause|resume|abort</c>: staged rollouts of a model version.</summary>
internal static class RolloutsCommand
{
    public static Command Create()
    {
        var rollouts = new Command("rollouts", "Staged rollouts: canary, growing waves, quality gates, automatic rollback");
        rollouts.Add(RolloutStartCommand.Create());
        rollouts.Add(RolloutStatusCommand.Create());
        rollouts.Add(RolloutChangeCommand.Create("pause", "Send the version to no more devices until resumed"));
        rollouts.Add(RolloutChangeCommand.Create("resume", "Continue a paused rollout"));
        rollouts.Add(RolloutChangeCommand.Create("abort", "Stop for good and return the devices that took the version to the previous one"));
        return rollouts.WithConnection();
    }
}
