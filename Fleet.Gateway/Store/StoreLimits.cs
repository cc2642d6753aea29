using Fleet.Shared.Protocol;

namespace Fleet.Gateway.Store;

/// <summary>Input bounds every store implementation enforces identically.</summary>
/// <remarks>Ids and JSON documents are bounded by the protocol's own limits, so whatever the wire codec accepts from a device fits.</remarks>
internal static class StoreLimits
{
    /// <summary>Longest id (device, event, model, rollout, node, actor, entity) in characters.</summary>
    public const int MaxIdLength = WireLimits.MaxIdLength;

    /// <summary>Largest JSON document (UTF-8 bytes) a single column accepts.</summary>
    public const int MaxJsonBytes = WireLimits.MaxPayloadBytes;

    /// <summary>
    /// Largest model artifact (ONNX file or model package) the registry accepts: 64 MiB. Artifacts live in the store, so
    /// every node of a cluster serves every model; the upload endpoint refuses a larger one with 413.
    /// </summary>
    public const int MaxArtifactBytes = 64 * 1024 * 1024;

    /// <summary>Largest golden set (JSON, UTF-8 bytes) sent with a bare ONNX file and kept with its registration.</summary>
    public const int MaxGoldenSetBytes = 8 * 1024 * 1024;

    /// <summary>Largest page a query returns.</summary>
    public const int MaxPageSize = 1000;
}
