using System.CommandLine;
using Fleet.Cli.Connection;

namespace Fleet.Cli.Rollouts;

/// <summary><c>fleet rollouts pause|resume|abort ID [--reason TEXT]</c>.</summary>
internal static class RolloutChangeCommand
{
    public static Command Create(string action, string description)
    {
        var id = new Argument<string>("id") { Description = "Rollout id" };
        var reason = new Option<string?>("--reason") { Description = "Why (kept in the audit log)" };
        var command = new Command(action, description) { id, reason };
        command.SetAction((parse, ct) => CliCommon.RunAsync(parse, async (client, output) =>
        {
            var rollout = await client.SendJsonAsync(HttpMethod.Post, $"/api/v1/rollouts/{Uri.EscapeDataString(parse.GetValue(id)!)}/{action}", new { reason = parse.GetValue(reason) }, ct).ConfigureAwait(false);
            if (output.Json)
            {
                output.WriteJson(rollout);
                return;
            }

            RolloutRender.Write(output, rollout);
        }, ct));
        return command;
    }
}
