namespace Fleet.Gateway;

/// <summary>
/// A message that may cross cluster nodes: a record of plain data (no delegate, task, completion source or actor
/// state), serialized by <c>Cluster/FleetClusterSerializer</c>, which is bound to this interface.
/// </summary>
internal interface IFleetClusterMessage;
