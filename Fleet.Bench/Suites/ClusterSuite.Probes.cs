using System.Collections.Concurrent;
using System.Globalization;
using Fleet.Shared.Messaging;
using Fleet.Shared.Protocol;
using Fleet.Shared.Servers;
using MQTTnet;

namespace Fleet.Bench.Suites;

/// <summary>The probe devices of <see cref="ClusterSuite"/>.</summary>
internal sealed partial class ClusterSuite
{
    /// <summary>One probe device per fleet shard, each with its broker password.</summary>
    private sealed class Probes
    {
        private Probes(IReadOnlyList<string> ids, IReadOnlyDictionary<int, string> byShard)
        {
            Ids = ids;
            ByShard = byShard;
            Passwords = ids.ToDictionary(id => id, id => "pw-" + id);
        }

        public IReadOnlyList<string> Ids { get; }

        public IReadOnlyDictionary<int, string> ByShard { get; }

        public IReadOnlyDictionary<string, string> Passwords { get; }

        public static Probes For(int shardCount)
        {
            var byShard = new Dictionary<int, string>();
            for (var i = 0; byShard.Count < shardCount; i++)
            {
                var id = string.Create(CultureInfo.InvariantCulture, $"probe-{i:D4}");
                byShard.TryAdd(Sharding.ShardOf(id, shardCount), id);
            }

            return new Probes([.. byShard.OrderBy(p => p.Key).Select(p => p.Value)], byShard);
        }

        public async Task<IMqttClient> ConnectAsync(GatewayCluster cluster, string id, CancellationToken cancellationToken)
        {
            var client = new MqttClientFactory().CreateMqttClient();
            var settings = new MqttConnectionSettings { Host = cluster.Broker.Host, Port = cluster.Broker.Port, ClientId = id, UserName = id, Password = Passwords[id] };
            var connected = await client.ConnectAsync(MqttClientOptionsFactory.Create(settings), cancellationToken);
            if (connected.ResultCode != MqttClientConnectResultCode.Success)
            {
                client.Dispose();
                throw new InvalidOperationException($"the bench broker refused {id}: {connected.ResultCode}");
            }

            return client;
        }
    }

    /// <summary>Every probe publishing one event per <see cref="ProbeInterval"/>, one at a time, remembering what the broker acknowledged.</summary>
    private sealed class ProbeStream : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly ConcurrentDictionary<string, long> _next = new();
        private readonly ConcurrentDictionary<string, HashSet<long>> _acknowledged = new();
        private readonly List<IMqttClient> _clients = [];
        private readonly List<Task> _loops = [];
        private long _refused;

        /// <summary>Publications the broker answered with anything but success (not acknowledged; a device would resend them).</summary>
        public long Refused => Interlocked.Read(ref _refused);

        public static async Task<ProbeStream> StartAsync(GatewayCluster cluster, Probes probes, CancellationToken cancellationToken)
        {
            var stream = new ProbeStream();
            foreach (var id in probes.Ids)
            {
                var client = await probes.ConnectAsync(cluster, id, cancellationToken);
                stream._clients.Add(client);
                stream._next[id] = 1;
                stream._acknowledged[id] = [];
                stream._loops.Add(stream.RunAsync(client, id, Topics.FromDevice(id, TopicKind.Events, cluster.Options.ShardCount)));
            }

            return stream;
        }

        /// <summary>The seq each probe publishes next: any event from it on is published after this call.</summary>
        public IReadOnlyDictionary<string, long> NextSeqs() => _next.ToDictionary(p => p.Key, p => p.Value);

        public async Task<IReadOnlyDictionary<string, HashSet<long>>> StopAsync()
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_loops);
            return _acknowledged;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_stop.IsCancellationRequested)
            {
                await StopAsync();
            }

            foreach (var client in _clients)
            {
                client.Dispose();
            }

            _stop.Dispose();
        }

        private async Task RunAsync(IMqttClient client, string id, string topic)
        {
            var token = _stop.Token;
            while (!token.IsCancellationRequested)
            {
                var seq = _next[id];
                try
                {
                    var sent = await client.PublishAsync(Message(topic, Heal("stream", seq)), token);
                    // A device deletes an event from its disk queue only on a plain success: "no matching subscribers"
                    // (MQTTnet's IsSuccess counts it) means the broker dropped it, and the agent sends it again.
                    if (sent.ReasonCode == MQTTnet.MqttClientPublishReasonCode.Success)
                    {
                        lock (_acknowledged[id])
                        {
                            _acknowledged[id].Add(seq);
                        }
                    }
                    else
                    {
                        Interlocked.Increment(ref _refused);
                    }

                    _next[id] = seq + 1;
                    await Task.Delay(ProbeInterval, token);
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }
}
