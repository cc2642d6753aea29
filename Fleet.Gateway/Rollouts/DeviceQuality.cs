using System.Text;
using Fleet.Gateway.Twins;
using Fleet.Shared.Protocol;

namespace Fleet.Gateway.Rollouts;

/// <summary>
/// What a rollout reads from one twin: the model it reports, its last update and validation, its rolling health, and its
/// recent telemetry windows (<see cref="History"/>, oldest first, stamped with the gateway's clock).
/// </summary>
internal sealed record DeviceQuality(string DeviceId, bool Registered, int DesiredVersion, string? DesiredModelVersion, ReportMessage? Report, UpdateEvent? LastUpdate, ValidationEvent? LastValidation, TwinHealth? Health)
{
    public IReadOnlyList<MetricPoint> History { get; init; } = [];

    public string? ModelVersion => Report?.Model?.Version;

    public static DeviceQuality From(TwinSnapshot twin)
    {
        ArgumentNullException.ThrowIfNull(twin);
        var desired = Decode(twin.DesiredJson, WireCodec.DecodeDesired);
        return new DeviceQuality(
            twin.DeviceId,
            twin.Registered,
            twin.DesiredVersion,
            desired?.Model?.Version,
            Decode(twin.ReportedJson, WireCodec.DecodeReport),
            Decode(twin.LastUpdateJson, WireCodec.DecodeEvent) as UpdateEvent,
            Decode(twin.LastValidationJson, WireCodec.DecodeEvent) as ValidationEvent,
            twin.Health);
    }

    private delegate WireResult<T> Decoder<T>(ReadOnlySpan<byte> payload);

    private static T? Decode<T>(string? json, Decoder<T> decode)
        where T : class
    {
        if (json is null)
        {
            return null;
        }

        var result = decode(Encoding.UTF8.GetBytes(json));
        return result.IsSuccess ? result.Value : null;
    }
}
