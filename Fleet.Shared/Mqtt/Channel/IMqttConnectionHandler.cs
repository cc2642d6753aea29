using Fleet.Shared.Mqtt.Packets;

namespace Fleet.Shared.Mqtt.Channel;

/// <summary>Receives what a connection's read loop decodes, and its end.</summary>
internal interface IMqttConnectionHandler
{
    /// <summary>Called on the read loop, in arrival order; must not block.</summary>
    void OnPacket(MqttConnection connection, MqttPacket packet);

    /// <summary>Called on the read loop after the packets of one socket read were handled (batch boundary).</summary>
    void OnReadBatchEnd(MqttConnection connection);

    /// <summary>Whether QoS 1/2 publications await the server's acknowledgement (read on the read loop, may be stale).</summary>
    bool AwaitsAcknowledgements { get; }

    /// <summary>Called exactly once when the connection has ended.</summary>
    void OnClosed(MqttConnection connection, MqttCloseReason reason, MqttDisconnectPacket? serverDisconnect, Exception? error);
}
