namespace Fleet.Shared.Mqtt.Session;

/// <summary>
/// An exactly-once delivery between PUBLISH and PUBREL: <see cref="Handled"/> once the handler ran;
/// <see cref="Generation"/> is the connection the PUBREC is owed on.
/// </summary>
internal struct MqttIncomingQos2State
{
    public bool Handled;
    public int Generation;
    public int ContentHash;
}
