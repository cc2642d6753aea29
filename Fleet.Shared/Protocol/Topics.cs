using System.Globalization;

namespace Fleet.Shared.Protocol;

/// <summary>Builds and parses the topics of docs/PROTOCOL.md.</summary>
/// <remarks>
/// Builders take the fleet's own values and throw <see cref="ArgumentException"/> on an invalid device
/// id (a bug). <see cref="Parse"/> takes foreign input and never throws: it returns a failure value.
/// </remarks>
public static class Topics
{
    /// <summary>Prefix of every Fleet v1 topic.</summary>
    public const string Root = "fleet/v1";

    private const string DevicePrefix = Root + "/s/";
    private const string GatewayPrefix = Root + "/d/";

    /// <summary><c>fleet/v1/s/{shard}/{deviceId}/{kind}</c> for a device → gateway kind.</summary>
    public static string FromDevice(string deviceId, TopicKind kind, int shardCount = Sharding.DefaultShardCount)
    {
        DeviceId.ThrowIfInvalid(deviceId);
        var suffix = DeviceSuffix(kind) ?? throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a device → gateway topic kind.");
        return string.Create(CultureInfo.InvariantCulture, $"{DevicePrefix}{Sharding.ShardOf(deviceId, shardCount)}/{deviceId}/{suffix}");
    }

    /// <summary><c>fleet/v1/d/{deviceId}/desired</c>.</summary>
    public static string Desired(string deviceId)
    {
        DeviceId.ThrowIfInvalid(deviceId);
        return $"{GatewayPrefix}{deviceId}/desired";
    }

    /// <summary><c>fleet/v1/d/{deviceId}/cmd</c>.</summary>
    public static string Command(string deviceId)
    {
        DeviceId.ThrowIfInvalid(deviceId);
        return $"{GatewayPrefix}{deviceId}/cmd";
    }

    /// <summary><c>fleet/v1/d/{deviceId}/#</c>: what a device subscribes to.</summary>
    public static string DeviceSubscription(string deviceId)
    {
        DeviceId.ThrowIfInvalid(deviceId);
        return $"{GatewayPrefix}{deviceId}/#";
    }

    /// <summary><c>fleet/v1/s/{shard}/#</c>: everything the devices of one shard publish.</summary>
    public static string ShardSubscription(int shard)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shard);
        return string.Create(CultureInfo.InvariantCulture, $"{DevicePrefix}{shard}/#");
    }

    /// <summary>Parses a topic; a failure value for anything outside the Fleet v1 tree.</summary>
    /// <param name="topic">The topic, possibly foreign.</param>
    /// <param name="shardCount">The fleet's shard count; the shard level must equal the device's shard.</param>
    /// <remarks>Runs for every message the gateway receives, so it slices spans and allocates only the device id.</remarks>
    public static WireResult<TopicAddress> Parse(string? topic, int shardCount = Sharding.DefaultShardCount)
    {
        if (topic is null || shardCount <= 0)
        {
            return Unknown(topic);
        }

        var rest = topic.AsSpan();
        if (rest.StartsWith(GatewayPrefix, StringComparison.Ordinal))
        {
            rest = rest[GatewayPrefix.Length..];
            var slash = rest.IndexOf('/');
            if (slash < 0)
            {
                return Unknown(topic);
            }

            var kind = rest[(slash + 1)..] switch
            {
                "desired" => TopicKind.Desired,
                "cmd" => TopicKind.Command,
                _ => (TopicKind?)null,
            };
            return kind is null ? Unknown(topic) : WithDevice(rest[..slash], kind.Value, null, shardCount);
        }

        if (rest.StartsWith(DevicePrefix, StringComparison.Ordinal))
        {
            rest = rest[DevicePrefix.Length..];
            var first = rest.IndexOf('/');
            if (first < 0)
            {
                return Unknown(topic);
            }

            var shardText = rest[..first];
            rest = rest[(first + 1)..];
            var second = rest.IndexOf('/');
            if (second < 0)
            {
                return Unknown(topic);
            }

            var kind = rest[(second + 1)..] switch
            {
                "report" => TopicKind.Report,
                "telemetry" => TopicKind.Telemetry,
                "events" => TopicKind.Events,
                "status" => TopicKind.Status,
                "cmd-result" => TopicKind.CommandResult,
                _ => (TopicKind?)null,
            };
            if (kind is null
                || shardText.Length is 0 or > 9
                || shardText.ContainsAnyExceptInRange('0', '9')
                || (shardText.Length > 1 && shardText[0] == '0')
                || !int.TryParse(shardText, NumberStyles.None, CultureInfo.InvariantCulture, out var shard))
            {
                return Unknown(topic);
            }

            return WithDevice(rest[..second], kind.Value, shard, shardCount);
        }

        return Unknown(topic);
    }

    private static WireResult<TopicAddress> WithDevice(ReadOnlySpan<char> idText, TopicKind kind, int? shard, int shardCount)
    {
        var deviceId = idText.ToString();
        if (DeviceId.Problem(deviceId) is { } problem)
        {
            return WireResult<TopicAddress>.Failure(WireErrorKind.InvalidDeviceId, problem);
        }

        if (shard is { } s && s != Sharding.ShardOf(deviceId, shardCount))
        {
            return WireResult<TopicAddress>.Failure(WireErrorKind.ShardMismatch, $"device '{deviceId}' belongs to shard {Sharding.ShardOf(deviceId, shardCount)} of {shardCount}, not {s}");
        }

        return WireResult<TopicAddress>.Success(new TopicAddress(kind, deviceId, shard));
    }

    private static WireResult<TopicAddress> Unknown(string? topic) =>
        WireResult<TopicAddress>.Failure(WireErrorKind.UnknownTopic, $"'{Truncate(topic)}' is not a Fleet v1 topic");

    private static string Truncate(string? s) => s is null ? "(null)" : s.Length <= 120 ? s : s[..120] + "…";

    private static string? DeviceSuffix(TopicKind kind) => kind switch
    {
        TopicKind.Report => "report",
        TopicKind.Telemetry => "telemetry",
        TopicKind.Events => "events",
        TopicKind.Status => "status",
        TopicKind.CommandResult => "cmd-result",
        _ => null,
    };
}
