using Akka.Hosting;
using Fleet.Gateway.Cluster;
using Fleet.Gateway.Events;

namespace Fleet.Gateway.Hosting;

/// <summary>
/// What every node runs so that any node can show the whole cluster: the <see cref="FleetEventBridge"/> (live events
/// from every node's twins and singletons reach this node's views) and the <see cref="MemberUpWatcher"/> (member
/// ages for <c>GET /api/v1/cluster</c>). Their services come from the container.
/// </summary>
internal static class FleetViewHosting
{
    public static AkkaConfigurationBuilder WithFleetView(this AkkaConfigurationBuilder akka) =>
        akka.WithActors((system, registry, resolver) =>
        {
            var events = resolver.GetService<FleetEventFeed>();
            registry.Register<FleetEventBridge>(system.ActorOf(FleetEventBridge.Props(events), FleetEventBridge.Name));
            var upTimes = resolver.GetService<MemberUpTimes>();
            registry.Register<MemberUpWatcher>(system.ActorOf(MemberUpWatcher.Props(upTimes, resolver.GetService<TimeProvider>()), MemberUpWatcher.Name));
        });
}
