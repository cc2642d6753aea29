namespace Fleet.Device.Storage;

/// <summary>What a weight-store garbage collection removed.</summary>
/// <param name="ArtifactsRemoved">Unreferenced artifacts deleted.</param>
/// <param name="BytesFreed">Their total size.</param>
/// <param name="TempFilesRemoved">Leftover temporary files of interrupted writes deleted.</param>
internal sealed record GarbageCollection(int ArtifactsRemoved, long BytesFreed, int TempFilesRemoved);
