using System.Buffers;
using System.Diagnostics;
using Fleet.Shared.Messaging;
using Fleet.Shared.Servers;
using MQTTnet;
using MQTTnet.Protocol;

namespace Fleet.Bench.Suites;

/// <summary>
/// MQTTnet as Fleet configures it (<see cref="MqttClientOptionsFactory"/>) against the C reference
/// clients (mosquitto_pub / mosquitto_sub) on the same broker in the same run: QoS 0 and QoS 1
/// publishing, receiving, and draining a persistent session's offline queue. Bare MQTTnet (its default
/// options) is measured alongside, and the delayed-ACK stall against a broker that leaves Nagle on.
/// Every timing spans connect to disconnect, as a process run of the C client does; each side's best of
/// three runs counts (the build machine is shared).
/// </summary>
internal sealed class MqttSuite : IBenchSuite
{
    private const int PayloadSize = 100;

    /// <summary>QoS 1 publications kept outstanding: the fastest sliding window measured here (see docs/PROTOCOL.md), never above the broker's Receive Maximum.</summary>
    private const int PublishWindow = 64;

    public string Name => "mqtt";

    public string Description => "MQTTnet vs mosquitto_pub/mosquitto_sub: publish QoS 0/1, receive, drain a 100k offline queue, delayed-ACK stall";

    public async Task<BenchResult> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var qos0Count = context.Scaled(300_000, 1000);
        // mosquitto_pub 2.0 -l at QoS 1 stops after the first PUBACK carrying the last message id, and
        // ids wrap at 65535: below the wrap every line is delivered, which VerifyLinesDeliveredAsync checks.
        var qos1Count = context.Scaled(60_000, 1000);
        var receiveCount = context.Scaled(200_000, 1000);
        var drainCount = context.Scaled(100_000, 1000);
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoOptions
        {
            WorkingDirectory = Path.Combine(context.ScratchDirectory, "broker"),
            ExtraConfig = ["log_type subscribe"],
        }, cancellationToken);
        var payload = new byte[PayloadSize];
        Array.Fill(payload, (byte)'x');
        var payloadFile = Path.Combine(context.ScratchDirectory, "payload.txt");
        await File.WriteAllBytesAsync(payloadFile, payload, cancellationToken);

        // Warm-up: JIT and connection paths, on both sides.
        await PublishOursAsync(Settings(broker.Port), payload, 5000, MqttQualityOfServiceLevel.AtLeastOnce, PublishWindow, batches: false, cancellationToken);
        await RunCAsync("mosquitto_pub", $"-h 127.0.0.1 -p {broker.Port} -t bench/warm -q 1 -f {payloadFile} --repeat 1000", cancellationToken);

        var result = new BenchResult();
        foreach (var (qos, count, key) in new[] { (MqttQualityOfServiceLevel.AtMostOnce, qos0Count, "qos0"), (MqttQualityOfServiceLevel.AtLeastOnce, qos1Count, "qos1") })
        {
            var linesFile = await LinesFileAsync(context, payload, count, cancellationToken);
            var ours = await BestOfAsync(() => PublishOursAsync(Settings(broker.Port), payload, count, qos, PublishWindow, batches: false, cancellationToken));
            var bare = await BestOfAsync(() => PublishBareAsync(broker.Port, payload, count, qos, cancellationToken));
            // The C client's bulk modes differ by QoS; the fastest one is the baseline.
            var repeat = await BestOfAsync(() => RunCAsync("mosquitto_pub", $"-h 127.0.0.1 -p {broker.Port} -t bench/pub -q {(int)qos} -f {payloadFile} --repeat {count}", cancellationToken));
            var lines = await BestOfAsync(() => RunCAsync("sh", $"-c \"mosquitto_pub -h 127.0.0.1 -p {broker.Port} -t bench/pub -q {(int)qos} -l < {linesFile}\"", cancellationToken));
            var wide = await BestOfAsync(() => RunCAsync("sh", $"-c \"mosquitto_pub -h 127.0.0.1 -p {broker.Port} -t bench/pub -q {(int)qos} -M {PublishWindow} -l < {linesFile}\"", cancellationToken));
            var theirs = new[] { repeat, lines, wide }.Min();
            await VerifyLinesDeliveredAsync(broker.Port, linesFile, qos, "", count, cancellationToken);
            await VerifyLinesDeliveredAsync(broker.Port, linesFile, qos, $"-M {PublishWindow} ", count, cancellationToken);
            context.Progress.WriteLine($"{key} publish x{count}: fleet/MQTTnet {Ms(ours)}, bare MQTTnet {Ms(bare)}, mosquitto_pub --repeat {Ms(repeat)}, -l {Ms(lines)}, -l -M {PublishWindow} {Ms(wide)}");
            result.Add($"{key}_pub_msgs_per_s", count / ours.TotalSeconds);
            result.Add($"{key}_pub_ratio_vs_mosquitto_pub", theirs.TotalSeconds / ours.TotalSeconds);
            result.Add($"{key}_pub_bare_mqttnet_msgs_per_s", count / bare.TotalSeconds);
        }

        var oursReceive = await BestOfAsync(() => ReceiveOursAsync(broker.Port, payload, receiveCount, cancellationToken));
        var theirsReceive = await BestOfAsync(() => ReceiveCAsync(broker, payload, receiveCount, cancellationToken));
        context.Progress.WriteLine($"receive x{receiveCount}: fleet/MQTTnet {Ms(oursReceive)}, mosquitto_sub {Ms(theirsReceive)}");
        result.Add("recv_msgs_per_s", receiveCount / oursReceive.TotalSeconds);
        result.Add("recv_ratio_vs_mosquitto_sub", theirsReceive.TotalSeconds / oursReceive.TotalSeconds);

        var oursDrain = await BestOfAsync(() => DrainOursAsync(broker.Port, payload, drainCount, cancellationToken));
        var theirsDrain = await BestOfAsync(() => DrainCAsync(broker.Port, payload, drainCount, cancellationToken));
        context.Progress.WriteLine($"drain {drainCount} queued QoS 1: fleet/MQTTnet {Ms(oursDrain)}, mosquitto_sub {Ms(theirsDrain)}");
        result.Add("drain_100k_queued_msgs_per_s", drainCount / oursDrain.TotalSeconds);
        result.Add("drain_ratio_vs_mosquitto_sub", theirsDrain.TotalSeconds / oursDrain.TotalSeconds);

        await MeasureStallAsync(context, payload, result, cancellationToken);
        result.Add("bytes_per_idle_connection", await BytesPerIdleConnectionAsync(broker.Port, context.Scaled(200, 20), cancellationToken));
        result.Add("publish_window", (long)PublishWindow);
        result.Add("payload_bytes", (long)PayloadSize);
        return result;
    }

    /// <summary>
    /// The delayed-ACK stall: a client that publishes a window of 20 QoS 1 messages and awaits them all
    /// before the next window, against a broker with Nagle on (Mosquitto's default) and with
    /// <c>set_tcp_nodelay true</c>, each with TCP_QUICKACK off and on.
    /// </summary>
    private static async Task MeasureStallAsync(BenchContext context, byte[] payload, BenchResult result, CancellationToken cancellationToken)
    {
        await using var nagle = await MosquittoBroker.StartAsync(new MosquittoOptions
        {
            WorkingDirectory = Path.Combine(context.ScratchDirectory, "nagle-broker"),
            ExtraConfig = ["set_tcp_nodelay false"],
        }, cancellationToken);
        await using var noDelay = await MosquittoBroker.StartAsync(new MosquittoOptions { WorkingDirectory = Path.Combine(context.ScratchDirectory, "nodelay-broker") }, cancellationToken);
        var count = context.Scaled(4000, 200);
        foreach (var (brokerKey, port) in new[] { ("nagle_broker", nagle.Port), ("nodelay_broker", noDelay.Port) })
        {
            foreach (var quickAck in new[] { false, true })
            {
                var settings = Settings(port) with { TcpQuickAck = quickAck };
                var elapsed = await BestOfAsync(() => PublishOursAsync(settings, payload, count, MqttQualityOfServiceLevel.AtLeastOnce, 20, batches: true, cancellationToken));
                var key = $"qos1_batches_of_20_{brokerKey}_quickack_{(quickAck ? "on" : "off")}_msgs_per_s";
                context.Progress.WriteLine($"{key}: {count / elapsed.TotalSeconds:F0}");
                result.Add(key, count / elapsed.TotalSeconds);
            }
        }
    }

    private static string Ms(TimeSpan elapsed) => $"{elapsed.TotalMilliseconds:F0} ms";

    /// <summary>The machine is shared and noisy: each side gets its best of three runs.</summary>
    private static async Task<TimeSpan> BestOfAsync(Func<Task<TimeSpan>> run)
    {
        var best = TimeSpan.MaxValue;
        for (var i = 0; i < 3; i++)
        {
            var elapsed = await run();
            best = elapsed < best ? elapsed : best;
        }

        return best;
    }

    private static async Task<string> LinesFileAsync(BenchContext context, byte[] payload, int count, CancellationToken cancellationToken)
    {
        var path = Path.Combine(context.ScratchDirectory, $"lines-{count}.txt");
        if (!File.Exists(path))
        {
            await using var file = File.Create(path);
            for (var i = 0; i < count; i++)
            {
                await file.WriteAsync(payload, cancellationToken);
                file.WriteByte((byte)'\n');
            }
        }

        return path;
    }

    private static MqttConnectionSettings Settings(int port) => new() { Host = "127.0.0.1", Port = port, ClientId = NewClientId() };

    private static string NewClientId() => "bench-" + Guid.NewGuid().ToString("N")[..8];

    private static MqttApplicationMessage Message(string topic, byte[] payload, MqttQualityOfServiceLevel qos) =>
        new() { Topic = topic, Payload = new ReadOnlySequence<byte>(payload), QualityOfServiceLevel = qos };

    private static async Task<IMqttClient> ConnectAsync(MqttClientOptions options, CancellationToken cancellationToken)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var connected = await client.ConnectAsync(options, cancellationToken);
        if (connected.ResultCode != MqttClientConnectResultCode.Success)
        {
            client.Dispose();
            throw new InvalidOperationException($"broker refused the bench client: {connected.ResultCode}");
        }

        return client;
    }

    /// <summary>
    /// Untimed: a subscriber counts what one more run of the baseline's -l mode delivers, so a baseline
    /// that exits early (and so looks fast) fails the suite instead of flattering it.
    /// </summary>
    private static async Task VerifyLinesDeliveredAsync(int port, string linesFile, MqttQualityOfServiceLevel qos, string extraArguments, int count, CancellationToken cancellationToken)
    {
        var topic = "bench/verify-" + Guid.NewGuid().ToString("N")[..8];
        var countFile = linesFile + ".count";
        using var sub = Start("sh", $"-c \"mosquitto_sub -h 127.0.0.1 -p {port} -t {topic} -q 1 -C {count} -W 120 | wc -l > {countFile}\"");
        await Task.Delay(1000, cancellationToken);
        await RunCAsync("sh", $"-c \"mosquitto_pub -h 127.0.0.1 -p {port} -t {topic} -q {(int)qos} {extraArguments}-l < {linesFile}\"", cancellationToken);
        await sub.WaitForExitAsync(cancellationToken);
        var delivered = int.Parse((await File.ReadAllTextAsync(countFile, cancellationToken)).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        if (delivered != count)
        {
            throw new InvalidOperationException($"mosquitto_pub {extraArguments}-l -q {(int)qos} delivered {delivered} of {count} messages; its timing is not a valid baseline");
        }
    }

    /// <summary>
    /// Publishes <paramref name="count"/> messages keeping at most <paramref name="window"/> outstanding:
    /// a sliding window (a slot frees when the oldest completes), or with <paramref name="batches"/> whole
    /// windows awaited before the next, the pattern that exposes the delayed-ACK stall.
    /// </summary>
    private static async Task<TimeSpan> PublishOursAsync(MqttConnectionSettings settings, byte[] payload, int count, MqttQualityOfServiceLevel qos, int window, bool batches, CancellationToken cancellationToken)
    {
        var message = Message("bench/pub", payload, qos);
        var stopwatch = Stopwatch.StartNew();
        using var client = await ConnectAsync(MqttClientOptionsFactory.Create(settings), cancellationToken);
        await PublishWindowedAsync(client, message, count, window, batches, cancellationToken);
        await client.DisconnectAsync(new MqttClientDisconnectOptions(), cancellationToken);
        return stopwatch.Elapsed;
    }

    /// <summary>MQTTnet with nothing but its defaults (packet fragmentation on, its own socket, no TCP_QUICKACK), same window.</summary>
    private static async Task<TimeSpan> PublishBareAsync(int port, byte[] payload, int count, MqttQualityOfServiceLevel qos, CancellationToken cancellationToken)
    {
        var message = Message("bench/pub", payload, qos);
        var stopwatch = Stopwatch.StartNew();
        using var client = await ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId(NewClientId()).Build(), cancellationToken);
        await PublishWindowedAsync(client, message, count, PublishWindow, batches: false, cancellationToken);
        await client.DisconnectAsync(new MqttClientDisconnectOptions(), cancellationToken);
        return stopwatch.Elapsed;
    }

    private static async Task PublishWindowedAsync(IMqttClient client, MqttApplicationMessage message, int count, int window, bool batches, CancellationToken cancellationToken)
    {
        var pending = new Queue<Task<MqttClientPublishResult>>(window);
        for (var i = 0; i < count; i++)
        {
            if (pending.Count >= window)
            {
                Check(await pending.Dequeue());
                while (batches && pending.Count > 0)
                {
                    Check(await pending.Dequeue());
                }
            }

            pending.Enqueue(client.PublishAsync(message, cancellationToken));
        }

        while (pending.Count > 0)
        {
            Check(await pending.Dequeue());
        }

        static void Check(MqttClientPublishResult result)
        {
            if (!result.IsSuccess)
            {
                throw new InvalidOperationException($"publication refused: {result.ReasonCode}");
            }
        }
    }

    private static async Task<TimeSpan> ReceiveOursAsync(int port, byte[] payload, int count, CancellationToken cancellationToken)
    {
        var received = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stopwatch = Stopwatch.StartNew();
        using var subscriber = new MqttClientFactory().CreateMqttClient();
        subscriber.ApplicationMessageReceivedAsync += _ =>
        {
            if (++received == count)
            {
                done.TrySetResult();
            }

            return Task.CompletedTask;
        };
        await subscriber.ConnectAsync(MqttClientOptionsFactory.Create(Settings(port)), cancellationToken);
        await subscriber.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("bench/recv", MqttQualityOfServiceLevel.AtMostOnce).Build(), cancellationToken);
        await PublishForReceiverAsync(port, payload, count, cancellationToken);
        await done.Task.WaitAsync(TimeSpan.FromSeconds(120), cancellationToken);
        await subscriber.DisconnectAsync(new MqttClientDisconnectOptions(), cancellationToken);
        return stopwatch.Elapsed;
    }

    private static async Task<TimeSpan> ReceiveCAsync(MosquittoBroker broker, byte[] payload, int count, CancellationToken cancellationToken)
    {
        var logBefore = File.Exists(broker.LogFile) ? new FileInfo(broker.LogFile).Length : 0;
        var stopwatch = Stopwatch.StartNew();
        using var sub = Start("sh", $"-c \"mosquitto_sub -h 127.0.0.1 -p {broker.Port} -t bench/recv -q 0 -C {count} -W 120 > /dev/null\"");
        while (!SubscribedSince(broker.LogFile, logBefore))
        {
            await Task.Delay(1, cancellationToken);
        }

        await PublishForReceiverAsync(broker.Port, payload, count, cancellationToken);
        await sub.WaitForExitAsync(cancellationToken);
        if (sub.ExitCode != 0)
        {
            throw new InvalidOperationException($"mosquitto_sub exited {sub.ExitCode}");
        }

        return stopwatch.Elapsed;
    }

    private static bool SubscribedSince(string logFile, long offset)
    {
        using var stream = new FileStream(logFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Position = Math.Min(offset, stream.Length);
        return new StreamReader(stream).ReadToEnd().Contains(" bench/recv", StringComparison.Ordinal);
    }

    /// <summary>The same publisher feeds both receivers, so only the receiving side differs.</summary>
    private static async Task PublishForReceiverAsync(int port, byte[] payload, int count, CancellationToken cancellationToken)
    {
        using var publisher = await ConnectAsync(MqttClientOptionsFactory.Create(Settings(port)), cancellationToken);
        await PublishWindowedAsync(publisher, Message("bench/recv", payload, MqttQualityOfServiceLevel.AtMostOnce), count, 1, batches: false, cancellationToken);
        await publisher.DisconnectAsync(new MqttClientDisconnectOptions(), cancellationToken);
    }

    /// <summary>Untimed: <paramref name="count"/> QoS 1 messages queued at the broker for an offline persistent session.</summary>
    private static async Task QueueForOfflineSessionAsync(int port, string topic, byte[] payload, int count, CancellationToken cancellationToken)
    {
        using var publisher = await ConnectAsync(MqttClientOptionsFactory.Create(Settings(port)), cancellationToken);
        await PublishWindowedAsync(publisher, Message(topic, payload, MqttQualityOfServiceLevel.AtLeastOnce), count, PublishWindow, batches: false, cancellationToken);
        await publisher.DisconnectAsync(new MqttClientDisconnectOptions(), cancellationToken);
    }

    /// <summary>A persistent MQTTnet session subscribes, goes offline while <paramref name="count"/> QoS 1 messages queue, then is timed from CONNECT to the last message.</summary>
    private static async Task<TimeSpan> DrainOursAsync(int port, byte[] payload, int count, CancellationToken cancellationToken)
    {
        var topic = "bench/drain-" + Guid.NewGuid().ToString("N")[..8];
        var settings = Settings(port) with { CleanStart = false, SessionExpiryInterval = 3600 };
        using (var subscriber = await ConnectAsync(MqttClientOptionsFactory.Create(settings), cancellationToken))
        {
            await subscriber.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(topic, MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancellationToken);
            await subscriber.DisconnectAsync(new MqttClientDisconnectOptions(), cancellationToken);
        }

        await QueueForOfflineSessionAsync(port, topic, payload, count, cancellationToken);
        var received = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var drainer = new MqttClientFactory().CreateMqttClient();
        drainer.ApplicationMessageReceivedAsync += _ =>
        {
            if (++received == count)
            {
                done.TrySetResult();
            }

            return Task.CompletedTask;
        };
        var stopwatch = Stopwatch.StartNew();
        var connected = await drainer.ConnectAsync(MqttClientOptionsFactory.Create(settings), cancellationToken);
        if (!connected.IsSessionPresent)
        {
            throw new InvalidOperationException("the broker did not keep the drain session");
        }

        await done.Task.WaitAsync(TimeSpan.FromSeconds(300), cancellationToken);
        var elapsed = stopwatch.Elapsed;
        await drainer.DisconnectAsync(new MqttClientDisconnectOptions { SessionExpiryInterval = 0 }, cancellationToken);
        return elapsed;
    }

    /// <summary>The same for mosquitto_sub: <c>-c -x</c> keeps the session, <c>-E</c> only subscribes; the timed run is a process start to its exit after the last message.</summary>
    private static async Task<TimeSpan> DrainCAsync(int port, byte[] payload, int count, CancellationToken cancellationToken)
    {
        var topic = "bench/drain-" + Guid.NewGuid().ToString("N")[..8];
        var session = $"-h 127.0.0.1 -p {port} -V mqttv5 -c -x 3600 -i {NewClientId()} -q 1 -t {topic}";
        await RunCAsync("mosquitto_sub", $"{session} -E", cancellationToken);
        await QueueForOfflineSessionAsync(port, topic, payload, count, cancellationToken);
        var elapsed = await RunCAsync("sh", $"-c \"mosquitto_sub {session} -C {count} -W 300 > /dev/null\"", cancellationToken);
        return elapsed;
    }

    private static async Task<long> BytesPerIdleConnectionAsync(int port, int connections, CancellationToken cancellationToken)
    {
        var clients = new List<IMqttClient>();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < connections; i++)
        {
            clients.Add(await ConnectAsync(MqttClientOptionsFactory.Create(Settings(port)), cancellationToken));
        }

        await Task.Delay(200, cancellationToken);
        var after = GC.GetTotalMemory(forceFullCollection: true);
        foreach (var client in clients)
        {
            await client.DisconnectAsync(new MqttClientDisconnectOptions(), cancellationToken);
            client.Dispose();
        }

        return (after - before) / connections;
    }

    private static async Task<TimeSpan> RunCAsync(string program, string arguments, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        using var process = Start(program, arguments);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {arguments} exited {process.ExitCode}: {await process.StandardError.ReadToEndAsync(cancellationToken)}");
        }

        return stopwatch.Elapsed;
    }

    private static Process Start(string program, string arguments) =>
        Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true, UseShellExecute = false })
        ?? throw new InvalidOperationException($"cannot start {program}");
}
