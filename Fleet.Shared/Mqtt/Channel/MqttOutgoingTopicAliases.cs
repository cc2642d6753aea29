namespace Fleet.Shared.Mqtt.Channel;

/// <summary>
/// One connection's topic aliases towards the server (MQTT 5 §3.3.2.3.4): the first PUBLISH on a topic
/// assigns the next free alias and still carries the name; later ones carry only the alias.
/// </summary>
/// <remarks>Used by the connection's writer loop only, so not thread-safe; aliases are never reassigned.</remarks>
internal sealed class MqttOutgoingTopicAliases(ushort maximum)
{
    /// <summary>No aliases (MQTT 3.1.1, a server that allows none, or aliases turned off).</summary>
    public static readonly MqttOutgoingTopicAliases None = new(0);

    private Dictionary<string, ushort>? _aliases;

    /// <summary>The alias to send with <paramref name="topic"/> (0 for none), and whether the server already knows it.</summary>
    public (ushort Alias, bool Known) For(string topic)
    {
        if (maximum == 0)
        {
            return (0, false);
        }

        _aliases ??= new Dictionary<string, ushort>(StringComparer.Ordinal);
        if (_aliases.TryGetValue(topic, out var alias))
        {
            return (alias, true);
        }

        if (_aliases.Count >= maximum)
        {
            return (0, false);
        }

        alias = (ushort)(_aliases.Count + 1);
        _aliases.Add(topic, alias);
        return (alias, false);
    }
}
