namespace Fleet.Gateway.Cluster;

/// <summary>The few Akka settings Akka.Hosting has no typed call for, as HOCON.</summary>
internal static class FleetAkkaConfig
{
    /// <summary>Registers <see cref="FleetClusterSerializer"/> for Fleet's cluster messages.</summary>
    public static string Serialization
    {
        get
        {
            var serializer = Qualified(typeof(FleetClusterSerializer));
            var bindings = string.Join('\n', FleetClusterSerializer.Types.Select(t => $"    \"{Qualified(t)}\" = fleet"));
            return $$"""
                akka.actor {
                  serializers.fleet = "{{serializer}}"
                  serialization-bindings {
                {{bindings}}
                  }
                }
                """;
        }
    }

    private static string Qualified(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";
}
