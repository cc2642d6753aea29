// Composition root of the device agent; the agent itself lives in the capability folders.
Console.Error.WriteLine("fleet-device: the device agent is being assembled (see ARCHITECTURE.md); it has no runnable mode yet.");
return 64;
