using System.Buffers.Binary;
using System.Runtime.Serialization;
using System.Text;
using System.Text.Json;
using Akka.Actor;
using Akka.Serialization;
using Fleet.Gateway.Distillation;
using Fleet.Gateway.Events;
using Fleet.Gateway.Insights;
using Fleet.Gateway.Rollouts;
using Fleet.Gateway.Supervision;
using Fleet.Gateway.Twins;
using Fleet.Shared.Protocol;

namespace Fleet.Gateway.Cluster;

/// <summary>
/// Serializes Fleet's messages that may cross cluster nodes: the device message in a compact binary layout (it is
/// the ingest hot path), everything else as System.Text.Json from a source-generated context. Registered for
/// <see cref="Types"/>; without it Akka would fall back to its Newtonsoft JSON serializer.
/// </summary>
/// <remarks>
/// The manifests are part of the wire format between gateway versions: add new ones, never reuse or rename one.
/// Malformed input throws <see cref="SerializationException"/> naming what is wrong.
/// </remarks>
internal sealed class FleetClusterSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>Fleet's serializer id (Akka reserves 0–100).</summary>
    public const int Id = 4711;

    private const byte DeviceMessageVersion = 1;
    private const int DeviceHeaderLength = 1 + 4 + 1 + 1 + 8 + 2;

    private static readonly Dictionary<Type, string> ManifestOf = new()
    {
        [typeof(DeviceMessage)] = "D",
        [typeof(Persisted)] = "P",
        [typeof(GetTwin)] = "GT",
        [typeof(SetDesired)] = "SD",
        [typeof(SendCommand)] = "SC",
        [typeof(SetQuarantine)] = "SQ",
        [typeof(GetMetricHistory)] = "GH",
        [typeof(GetWaveforms)] = "GW",
        [typeof(CrashTwin)] = "CT",
        [typeof(TwinSnapshot)] = "TS",
        [typeof(DesiredOutcome)] = "DO",
        [typeof(CommandResult)] = "CR",
        [typeof(LatestWaveforms)] = "LW",
        [typeof(MetricPoint[])] = "MP",
        [typeof(HealObserved)] = "HO",
        [typeof(DeviceEscalated)] = "DE",
        [typeof(StartRollout)] = "RS",
        [typeof(ChangeRollout)] = "RC",
        [typeof(GetRolloutViews)] = "RG",
        [typeof(RolloutViewSet)] = "RV",
        [typeof(RolloutStartResult)] = "RSR",
        [typeof(RolloutChangeResult)] = "RCR",
        [typeof(StartDistillation)] = "DS",
        [typeof(GetDistillation)] = "DG",
        [typeof(DistillationJob)] = "DJ",
        [typeof(GetInsightSummary)] = "IG",
        [typeof(InsightSummary)] = "IS",
        [typeof(TwinChanged)] = "ET",
        [typeof(MetricsRecorded)] = "EM",
        [typeof(WaveformsRecorded)] = "EW",
        [typeof(IncidentRaised)] = "EI",
        [typeof(RolloutChanged)] = "ER",
        [typeof(FleetEventInterest)] = "EN",
    };

    private static readonly Dictionary<string, Type> TypeOf = ManifestOf.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);

    /// <summary>
    /// The types this serializer is bound to: <see cref="IFleetClusterMessage"/> (every Fleet message that may cross
    /// nodes) and the replies that are not Fleet's own types (a protocol record, an array).
    /// </summary>
    public static IReadOnlyList<Type> Types { get; } = [typeof(IFleetClusterMessage), .. ManifestOf.Keys.Where(t => !typeof(IFleetClusterMessage).IsAssignableFrom(t))];

    /// <summary>Every concrete message type with a manifest (a marked type without one fails when it is sent).</summary>
    public static IReadOnlyCollection<Type> Manifested => ManifestOf.Keys;

    public override int Identifier => Id;

    public override string Manifest(object o) => ManifestOf.TryGetValue(o.GetType(), out var manifest)
        ? manifest
        : throw new ArgumentException($"{o.GetType()} is not a Fleet cluster message", nameof(o));

    public override byte[] ToBinary(object obj) => obj switch
    {
        DeviceMessage message => Write(message),
        _ => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), FleetClusterJson.Default),
    };

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!TypeOf.TryGetValue(manifest, out var type))
        {
            throw new SerializationException($"unknown Fleet cluster message manifest '{manifest}'");
        }

        if (type == typeof(DeviceMessage))
        {
            return Read(bytes);
        }

        try
        {
            return JsonSerializer.Deserialize(bytes, type, FleetClusterJson.Default)
                ?? throw new SerializationException($"a {type.Name} was null");
        }
        catch (JsonException ex)
        {
            throw new SerializationException($"a {type.Name} could not be read: {ex.Message}", ex);
        }
    }

    /// <summary>version(1) shard(4) kind(1) hasAck(1) ackId(8) idLength(2) id(UTF-8) payload(rest), little-endian.</summary>
    private static byte[] Write(DeviceMessage message)
    {
        var idLength = Encoding.UTF8.GetByteCount(message.DeviceId);
        if (idLength > ushort.MaxValue)
        {
            throw new SerializationException($"device id of {idLength} bytes is too long to serialize");
        }

        var bytes = new byte[DeviceHeaderLength + idLength + message.Payload.Length];
        var span = bytes.AsSpan();
        span[0] = DeviceMessageVersion;
        BinaryPrimitives.WriteInt32LittleEndian(span[1..], message.Shard);
        span[5] = (byte)message.Kind;
        span[6] = message.AckId is null ? (byte)0 : (byte)1;
        BinaryPrimitives.WriteInt64LittleEndian(span[7..], message.AckId ?? 0);
        BinaryPrimitives.WriteUInt16LittleEndian(span[15..], (ushort)idLength);
        Encoding.UTF8.GetBytes(message.DeviceId, span.Slice(DeviceHeaderLength, idLength));
        message.Payload.Span.CopyTo(span[(DeviceHeaderLength + idLength)..]);
        return bytes;
    }

    private static DeviceMessage Read(byte[] bytes)
    {
        if (bytes.Length < DeviceHeaderLength)
        {
            throw new SerializationException($"a device message needs at least {DeviceHeaderLength} bytes, got {bytes.Length}");
        }

        if (bytes[0] != DeviceMessageVersion)
        {
            throw new SerializationException($"device message layout version {bytes[0]} is not supported");
        }

        var span = bytes.AsSpan();
        var shard = BinaryPrimitives.ReadInt32LittleEndian(span[1..]);
        var kind = (TopicKind)span[5];
        if (shard < 0 || !Enum.IsDefined(kind) || span[6] > 1)
        {
            throw new SerializationException("a device message header is malformed");
        }

        long? ackId = span[6] == 1 ? BinaryPrimitives.ReadInt64LittleEndian(span[7..]) : null;
        var idLength = BinaryPrimitives.ReadUInt16LittleEndian(span[15..]);
        if (idLength == 0 || DeviceHeaderLength + idLength > bytes.Length)
        {
            throw new SerializationException($"a device message's id length {idLength} does not fit its {bytes.Length} bytes");
        }

        string id;
        try
        {
            id = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(span.Slice(DeviceHeaderLength, idLength));
        }
        catch (DecoderFallbackException ex)
        {
            throw new SerializationException("a device message's id is not UTF-8", ex);
        }

        return new DeviceMessage(id, shard, kind, bytes.AsMemory(DeviceHeaderLength + idLength), ackId);
    }
}
