namespace Fleet.Shared.Onnx;

/// <summary>ONNX Runtime's <c>OrtErrorCode</c>, as carried by <see cref="OnnxRuntimeException"/>.</summary>
public enum OrtErrorCode
{
    /// <summary>Success (never carried by an exception from ORT itself).</summary>
    Ok = 0,
    /// <summary>Generic failure.</summary>
    Fail = 1,
    /// <summary>An argument was invalid: wrong shape, type, name or count.</summary>
    InvalidArgument = 2,
    /// <summary>A file was not found.</summary>
    NoSuchFile = 3,
    /// <summary>No model was loaded.</summary>
    NoModel = 4,
    /// <summary>An engine error.</summary>
    EngineError = 5,
    /// <summary>An exception inside the runtime.</summary>
    RuntimeException = 6,
    /// <summary>The model bytes are not a valid protobuf.</summary>
    InvalidProtobuf = 7,
    /// <summary>A model was already loaded.</summary>
    ModelLoaded = 8,
    /// <summary>An operator or type is not implemented.</summary>
    NotImplemented = 9,
    /// <summary>The graph is invalid.</summary>
    InvalidGraph = 10,
    /// <summary>An execution provider failed.</summary>
    EpFail = 11,
    /// <summary>Model loading was cancelled.</summary>
    ModelLoadCanceled = 12,
    /// <summary>The model must be compiled for an execution provider first.</summary>
    ModelRequiresCompilation = 13,
    /// <summary>Something asked for was not found.</summary>
    NotFound = 14,
}
