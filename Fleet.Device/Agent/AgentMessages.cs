using Fleet.Device.Simulation;
using Fleet.Device.Updates;
using Fleet.Device.Uplink;
using Fleet.Device.Core;

namespace Fleet.Device.Agent;

/// <summary>Time to run the next batch of frames.</summary>
internal sealed record InferenceTick
{
    public static InferenceTick Instance { get; } = new();
}

/// <summary>A message from the broker on the device's own topics.</summary>
internal sealed record Inbound(InboundMessage Message);

/// <summary>A download-and-stage finished (piped back to the model actor).</summary>
internal sealed record UpdateFetched(StagedUpdate Update);

/// <summary>Inject a fault (simulated devices only); scheduled faults wait for the watchdog's warm-up.</summary>
internal sealed record InjectFault(Fault Fault, FaultOrigin Origin = FaultOrigin.Command);

/// <summary>A passing fault (drift, thermal) is over.</summary>
internal sealed record ClearFault(Fault Fault);

/// <summary>The scheduled-fault clock of the supervisor.</summary>
internal sealed record FaultClock
{
    public static FaultClock Instance { get; } = new();
}

/// <summary>An event is on disk in the uplink's queue (piped back to the model actor; nothing to do).</summary>
internal sealed record EventQueued
{
    public static EventQueued Instance { get; } = new();
}

/// <summary>Writing an event to the disk queue failed: the model actor crashes and is restarted from disk.</summary>
internal sealed record EventNotQueued(Exception Cause);

/// <summary>Raised by the crash fault: the model actor dies and its supervisor restarts it.</summary>
internal sealed class SimulatedCrashException : Exception
{
    public SimulatedCrashException()
        : base("simulated agent crash")
    {
    }

    public SimulatedCrashException(string message)
        : base(message)
    {
    }

    public SimulatedCrashException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
