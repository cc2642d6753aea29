namespace Fleet.Gateway;

/// <summary>Gateway log messages; event ids 1000–1999 belong to the gateway (1000s hosting, 1100s ingress and twins, 1200s supervision, 1300s API).</summary>
internal static partial class GatewayLog
{
    [LoggerMessage(1000, LogLevel.Information, "Managed Mosquitto listening on {Host}:{Port} (log: {LogFile})")]
    public static partial void ManagedBrokerStarted(ILogger logger, string host, int port, string logFile);

    [LoggerMessage(1001, LogLevel.Information, "Using external broker {Host}:{Port}")]
    public static partial void UsingExternalBroker(ILogger logger, string host, int port);

    [LoggerMessage(1002, LogLevel.Information, "Fleet store open: {Where}, schema version {Version}")]
    public static partial void StoreOpened(ILogger logger, string where, int version);

    [LoggerMessage(1003, LogLevel.Information, "Ingress: {Shards} shard sessions on {Host}:{Port}")]
    public static partial void IngressStarted(ILogger logger, int shards, string host, int port);

    [LoggerMessage(1004, LogLevel.Warning, "Fleet summary refresh failed")]
    public static partial void SummaryFailed(ILogger logger, Exception exception);

    [LoggerMessage(1005, LogLevel.Information, "Broker credentials regenerated ({Devices} devices); Mosquitto reloaded")]
    public static partial void BrokerReloaded(ILogger logger, int devices);

    [LoggerMessage(1006, LogLevel.Information, "Managed Mosquitto TLS listener on {Address}:{Port} (client certificates from the fleet CA required: {Mutual})")]
    public static partial void BrokerTlsListening(ILogger logger, string address, int port, bool mutual);

    [LoggerMessage(1007, LogLevel.Warning, "Stopped Mosquitto pid {BrokerPid} left running on {Directory} by gateway pid {GatewayPid}, which is gone")]
    public static partial void OrphanBrokerStopped(ILogger logger, int brokerPid, int gatewayPid, string directory);

    [LoggerMessage(1008, LogLevel.Error, "Managed Mosquitto exited unexpectedly (see {LogFile}); restarting in {Delay}")]
    public static partial void ManagedBrokerExited(ILogger logger, string logFile, TimeSpan delay);

    [LoggerMessage(1009, LogLevel.Information, "Managed Mosquitto restarted on {Host}:{Port}")]
    public static partial void ManagedBrokerRestarted(ILogger logger, string host, int port);

    [LoggerMessage(1010, LogLevel.Error, "Managed Mosquitto could not be restarted: {Reason}")]
    public static partial void ManagedBrokerRestartFailed(ILogger logger, string reason);

    [LoggerMessage(1011, LogLevel.Information, "Outbound MQTT session {ClientId} connected to {Host}:{Port}")]
    public static partial void PublisherConnected(ILogger logger, string clientId, string host, int port);

    [LoggerMessage(1100, LogLevel.Warning, "Rejected message on {Topic}: {Reason}")]
    public static partial void TopicRejected(ILogger logger, string topic, string reason);

    [LoggerMessage(1101, LogLevel.Warning, "Rejected {Kind} from {DeviceId}: {Reason}")]
    public static partial void MessageRejected(ILogger logger, string deviceId, string kind, string reason);

    [LoggerMessage(1102, LogLevel.Error, "Twin {DeviceId} did not store {Topic} within {Timeout}; left unacknowledged for the broker to redeliver")]
    public static partial void PersistTimedOut(ILogger logger, string deviceId, string topic, TimeSpan timeout);

    [LoggerMessage(1103, LogLevel.Error, "Twin {DeviceId} failed to store {Topic}; left unacknowledged for the broker to redeliver")]
    public static partial void PersistFailed(ILogger logger, string deviceId, string topic, Exception exception);

    [LoggerMessage(1104, LogLevel.Warning, "Twin {DeviceId} restarted after: {Reason}; rehydrated from the store")]
    public static partial void TwinRestarted(ILogger logger, string deviceId, string reason);

    [LoggerMessage(1111, LogLevel.Warning, "Twin {DeviceId} restarted more than {MaxRestarts} times within {Window}; passivating it until its next message")]
    public static partial void TwinOverRestartBudget(ILogger logger, string deviceId, int maxRestarts, TimeSpan window);

    [LoggerMessage(1105, LogLevel.Warning, "Shard {Shard}: session closed with messages unacknowledged; reopening in {Delay} for redelivery")]
    public static partial void SessionReopening(ILogger logger, int shard, TimeSpan delay);

    [LoggerMessage(1106, LogLevel.Warning, "Shard {Shard}: closing or reopening the session failed")]
    public static partial void SessionReopenFailed(ILogger logger, int shard, Exception exception);

    [LoggerMessage(1107, LogLevel.Warning, "Shard {Shard}: another holder took the session over; this node steps aside")]
    public static partial void SessionTakenOver(ILogger logger, int shard);

    [LoggerMessage(1108, LogLevel.Warning, "Shard {Shard}: connection to the broker lost ({Reason}); reconnecting in {Delay}")]
    public static partial void SessionLost(ILogger logger, int shard, string reason, TimeSpan delay);

    [LoggerMessage(1109, LogLevel.Warning, "Acknowledged without acting on it ({Cause}), listed in the rejected-messages log: {Topic}: {Reason}")]
    public static partial void MessagePoisoned(ILogger logger, string topic, string cause, string reason);

    [LoggerMessage(1110, LogLevel.Error, "Could not record the rejection of a message on {Topic} in the rejected-messages log")]
    public static partial void RejectionNotRecorded(ILogger logger, string topic, Exception exception);

    [LoggerMessage(1111, LogLevel.Warning, "Twin {DeviceId} failed on {Topic} once; left unacknowledged, it is rejected if it fails again")]
    public static partial void TwinFailedOnce(ILogger logger, string deviceId, string topic, Exception exception);

    [LoggerMessage(1112, LogLevel.Warning, "Shard {Shard}: not reconnecting while this node cannot see every other cluster node (it may have been declared dead and the shard moved)")]
    public static partial void SessionFenced(ILogger logger, int shard);

    [LoggerMessage(1113, LogLevel.Warning, "Shard {Shard}: the ingress session could not be opened on this node; retrying in {Delay}")]
    public static partial void IngressOpenFailed(ILogger logger, int shard, TimeSpan delay, Exception exception);

    [LoggerMessage(1114, LogLevel.Information, "Shard {Shard}: ingress session held by this node ({Node})")]
    public static partial void IngressHosted(ILogger logger, int shard, string node);

    [LoggerMessage(1115, LogLevel.Information, "Shard {Shard}: ingress session handed off by this node")]
    public static partial void IngressHandedOff(ILogger logger, int shard);

    [LoggerMessage(1116, LogLevel.Critical, "Cluster node {Node} has split brain settings {Theirs}, this node has {Ours}: every node must use the same (Fleet:Cluster:SplitBrain, QuorumSize, StableAfter); {Action}")]
    public static partial void SplitBrainMismatch(ILogger logger, string node, string theirs, string ours, string action);

    [LoggerMessage(1117, LogLevel.Warning, "The cluster has exactly two nodes and uses KeepMajority: if the node with the lowest address dies, the survivor downs itself too. Use Fleet:Cluster:SplitBrain KeepOldest for two nodes, or run three")]
    public static partial void TwoNodesKeepMajority(ILogger logger);

    [LoggerMessage(1200, LogLevel.Warning, "Device {DeviceId} quarantined: {Reason}")]
    public static partial void DeviceQuarantined(ILogger logger, string deviceId, string reason);

    [LoggerMessage(1201, LogLevel.Warning, "Fleet incident {IncidentId}: {Diagnosis} on model {ModelVersion} across {Devices} devices; action: {Action}")]
    public static partial void IncidentRaised(ILogger logger, string incidentId, string diagnosis, string modelVersion, int devices, string action);

    [LoggerMessage(1202, LogLevel.Error, "Fleet incident handling failed")]
    public static partial void IncidentFailed(ILogger logger, Exception exception);
}
