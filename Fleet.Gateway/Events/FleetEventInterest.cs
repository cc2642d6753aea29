namespace Fleet.Gateway.Events;

/// <summary>
/// What one node's live views want, told by its <see cref="FleetEventBridge"/> to every other node's bridge: whether a
/// fleet-wide view is open, and which devices its device views watch. A node forwards an event only to the nodes whose
/// last interest wants it.
/// </summary>
/// <param name="Node">The sender's cluster incarnation (its unique address uid): an interest of a removed incarnation is dropped.</param>
/// <param name="Version">Grows with every change on the sending node, so a late, older interest never replaces a newer one.</param>
/// <param name="Answer">True on the greeting a bridge sends a member it just saw come up: the receiver answers with its own.</param>
internal sealed record FleetEventInterest(int Node, long Version, bool FleetWide, string[] Devices, bool Answer) : IFleetClusterMessage;
