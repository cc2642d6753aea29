namespace Fleet.Cli;

/// <summary>
/// The CLI's clock: every wait, poll and timestamp in a command goes through it (BannedSymbols.txt bans the
/// wall-clock APIs), so the one place that decides the CLI runs on the system clock is here.
/// </summary>
internal static class CliClock
{
    /// <summary>The system clock; a command is a short-lived process talking to a human.</summary>
    public static TimeProvider Time { get; } = TimeProvider.System;
}
