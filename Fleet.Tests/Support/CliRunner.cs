using System.CommandLine;
using Fleet.Cli;

namespace Fleet.Tests.Cli;

/// <summary>Invokes the <c>fleet</c> command tree in-process and captures what it prints.</summary>
internal static class CliRunner
{
    public sealed record Run(int ExitCode, string Output, string Error);

    public static async Task<Run> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CliRoot.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return new Run(exit, output.ToString(), error.ToString());
    }
}
