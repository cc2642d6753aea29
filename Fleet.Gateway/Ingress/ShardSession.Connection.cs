using MQTTnet;

namespace Fleet.Gateway.Ingress;

internal sealed partial class ShardSession
{
    /// <summary>One connection of the session: its own client, whether it was retired, and how it ended.</summary>
    private sealed class Connection(IMqttClient client)
    {
        private readonly TaskCompletionSource<MqttClientDisconnectReason> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile bool _retired;

        public IMqttClient Client { get; } = client;

        public bool IsRetired => _retired;

        public Task<MqttClientDisconnectReason> Ended => _ended.Task;

        public void Retire() => _retired = true;

        public void End(MqttClientDisconnectReason reason) => _ended.TrySetResult(reason);
    }
}
