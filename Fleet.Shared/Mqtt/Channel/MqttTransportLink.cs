using System.Net.Sockets;

namespace Fleet.Shared.Mqtt.Channel;

/// <summary>An open transport: the byte stream MQTT runs over (TCP or TLS) and the TCP socket beneath it.</summary>
internal readonly record struct MqttTransportLink(Stream Stream, Socket? Socket);
