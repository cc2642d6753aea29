using System.Collections.Frozen;
using Akka.Actor;

namespace Fleet.Gateway.Events;

/// <summary>
/// What the other nodes' live views want, as this node last heard it (<see cref="FleetEventBridge"/> replaces the
/// whole snapshot on every change; readers never lock).
/// </summary>
/// <param name="Nodes">One entry per other node that declared any interest, with the bridge to forward to.</param>
internal sealed class RemoteListeners(IReadOnlyList<RemoteListener> nodes)
{
    public static RemoteListeners None { get; } = new([]);

    public IReadOnlyList<RemoteListener> Nodes { get; } = nodes;

    /// <summary>Whether any other node has a fleet-wide view open.</summary>
    public bool FleetWide { get; } = nodes.Any(n => n.FleetWide);

    /// <summary>The devices some other node's views watch.</summary>
    public FrozenSet<string> Devices { get; } = nodes.SelectMany(n => n.Devices).ToFrozenSet(StringComparer.Ordinal);
}

/// <summary>One other node's interest: its bridge, whether it has a fleet-wide view, and the devices its views watch.</summary>
internal sealed record RemoteListener(IActorRef Bridge, bool FleetWide, FrozenSet<string> Devices)
{
    public bool Wants(FleetEvent change) => change.WatchedDevice is { } device ? Devices.Contains(device) : FleetWide;
}
