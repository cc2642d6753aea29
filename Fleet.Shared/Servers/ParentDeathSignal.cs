using System.Diagnostics;

namespace Fleet.Shared.Servers;

/// <summary>
/// Child processes that die with the process that started them: the program runs under
/// <c>setpriv --pdeathsig KILL</c> (when setpriv is installed), which arms Linux's parent-death signal and execs it in
/// place (same pid). A killed test run or demo then leaves no orphan broker or gateway behind.
/// </summary>
internal static class ParentDeathSignal
{
    private const string SetPriv = "/usr/bin/setpriv";

    /// <summary>Whether children can be tied to this process here.</summary>
    public static bool Available => File.Exists(SetPriv);

    /// <summary>A start info running <paramref name="program"/> under setpriv when <paramref name="tied"/> and available.</summary>
    public static ProcessStartInfo StartInfo(string program, bool tied)
    {
        if (!tied || !Available)
        {
            return new ProcessStartInfo(program);
        }

        var psi = new ProcessStartInfo(SetPriv);
        foreach (var argument in new[] { "--pdeathsig", "KILL", "--", program })
        {
            psi.ArgumentList.Add(argument);
        }

        return psi;
    }

    /// <summary>
    /// Starts <paramref name="process"/> from a thread of its own that lives exactly as long as the child: the signal
    /// fires when the *thread* that forked the child ends, and a retiring thread-pool thread would kill it. Returns why
    /// it could not start, or null.
    /// </summary>
    public static Exception? Start(Process process, string threadName)
    {
        Exception? failure = null;
        using var started = new ManualResetEventSlim();
        var thread = new Thread(() =>
        {
            try
            {
                process.Start();
            }
            catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
            {
                failure = ex;
                started.Set();
                return;
            }

            started.Set();
            process.WaitForExit();
        })
        {
            IsBackground = true,
            Name = threadName,
        };
        thread.Start();
        started.Wait();
        return failure;
    }
}
