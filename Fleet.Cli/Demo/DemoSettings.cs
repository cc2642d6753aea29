namespace Fleet.Cli.Demo;

/// <summary>What <c>fleet demo</c> was asked to run.</summary>
internal sealed record DemoSettings(string Root, int Port, int Seconds, bool Verbose, int Devices, string Faults);
