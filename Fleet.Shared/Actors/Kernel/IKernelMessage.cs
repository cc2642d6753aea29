namespace Fleet.Shared.Actors.Kernel;

/// <summary>Marks kernel-internal messages that travel in the user mailbox (timer ticks); never dead letters.</summary>
#pragma warning disable CA1040 // A marker: these messages are recognised by type only.
internal interface IKernelMessage;
#pragma warning restore CA1040
