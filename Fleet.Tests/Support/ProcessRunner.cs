using System.Diagnostics;

namespace Fleet.Tests.Infrastructure;

/// <summary>Runs an external program (mosquitto_pub, python3, …) for interop tests and captures its output.</summary>
public static class ProcessRunner
{
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError);

    /// <summary>Runs a program to its end; <paramref name="configure"/> may adjust the start info (e.g. its environment).</summary>
    public static async Task<Result> RunAsync(string program, IEnumerable<string> arguments, TimeSpan timeout, string? standardInput = null, Action<ProcessStartInfo>? configure = null)
    {
        var psi = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = standardInput is not null,
        };
        foreach (var argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }

        configure?.Invoke(psi);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {program}");
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput);
            process.StandardInput.Close();
        }

        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"{program} {string.Join(' ', psi.ArgumentList)} did not finish within {timeout}: {await stderr}");
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts a long-running program (e.g. mosquitto_sub) and returns it; caller kills it.</summary>
    public static Process Start(string program, IEnumerable<string> arguments)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }

        return Process.Start(psi) ?? throw new InvalidOperationException($"could not start {program}");
    }
}
