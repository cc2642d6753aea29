using System.Runtime.InteropServices;

namespace Fleet.Shared.Servers;

/// <summary>POSIX signals for child processes; .NET's Process API offers only SIGKILL.</summary>
public static partial class NativeSignals
{
    private const int SigHup = 1;
    private const int SigTerm = 15;
    private const int SigKill = 9;
    private const int SigCont = 18;
    private const int SigStop = 19;

    /// <summary>Sends SIGHUP (Mosquitto reloads its password and ACL files); returns false when the process no longer exists.</summary>
    public static bool HangUp(int pid) => Kill(pid, SigHup) == 0;

    /// <summary>Sends SIGTERM; returns false when the process no longer exists.</summary>
    public static bool Terminate(int pid) => Kill(pid, SigTerm) == 0;

    /// <summary>Sends SIGKILL to a process that is not our child (an orphan); returns false when it no longer exists.</summary>
    public static bool ForceKill(int pid) => Kill(pid, SigKill) == 0;

    /// <summary>Sends SIGSTOP (the process freezes, as a long GC pause or a hung VM would); returns false when it no longer exists.</summary>
    public static bool Pause(int pid) => Kill(pid, SigStop) == 0;

    /// <summary>Sends SIGCONT to a process stopped with <see cref="Pause"/>; returns false when it no longer exists.</summary>
    public static bool Resume(int pid) => Kill(pid, SigCont) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
