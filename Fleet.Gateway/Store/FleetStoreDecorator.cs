using Fleet.Gateway.Store;

namespace Fleet.Gateway.Store;

/// <summary>Wraps the opened fleet store (registered in DI; applied in registration order). Tests inject store faults this way.</summary>
internal delegate IFleetStore FleetStoreDecorator(IFleetStore store);
