// Composition root of the device agent; the agent itself lives in the capability folders.
using Fleet.Device.Storage;

if (args is ["--storage-torture", var directory])
{
    // Hidden: the weight store's crash-safety test kills this loop at random moments.
    return StorageTorture.Run(directory);
}

Console.Error.WriteLine("fleet-device: the device agent is being assembled (see ARCHITECTURE.md); it has no runnable mode yet.");
return 64;
