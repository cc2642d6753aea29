namespace Fleet.Shared.Protocol;

/// <summary>Why a payload or topic was not accepted.</summary>
public enum WireErrorKind
{
    /// <summary>Not JSON, or not a JSON object.</summary>
    Malformed = 1,

    /// <summary>No <c>v</c> field.</summary>
    MissingVersion,

    /// <summary>A <c>v</c> this receiver does not know.</summary>
    UnsupportedVersion,

    /// <summary>Valid JSON of the right version that breaks the payload's schema (missing or mistyped field, unknown enum value or event type).</summary>
    Invalid,

    /// <summary>A topic outside the Fleet v1 topic tree.</summary>
    UnknownTopic,

    /// <summary>A topic whose device id breaks the device id rule.</summary>
    InvalidDeviceId,

    /// <summary>A device topic whose shard is not the device's shard.</summary>
    ShardMismatch,
}
