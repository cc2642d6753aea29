namespace Fleet.Shared.Protocol;

/// <summary>The kinds of topic in the Fleet v1 tree (docs/PROTOCOL.md, Topics).</summary>
public enum TopicKind
{
    /// <summary>Device → gateway, <c>…/report</c>: reported twin state (QoS 1, retained).</summary>
    Report = 1,

    /// <summary>Device → gateway, <c>…/telemetry</c>: health metrics (QoS 0).</summary>
    Telemetry,

    /// <summary>Device → gateway, <c>…/events</c>: heal, insight, update and validation events (QoS 1).</summary>
    Events,

    /// <summary>Device → gateway, <c>…/status</c>: online/offline, also the Last Will (QoS 1, retained).</summary>
    Status,

    /// <summary>Device → gateway, <c>…/cmd-result</c>: command results of MQTT 3.1.1 devices (QoS 1).</summary>
    CommandResult,

    /// <summary>Gateway → device, <c>fleet/v1/d/{id}/desired</c>: desired state (QoS 1, retained).</summary>
    Desired,

    /// <summary>Gateway → device, <c>fleet/v1/d/{id}/cmd</c>: commands (QoS 1).</summary>
    Command,
}
