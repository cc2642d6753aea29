using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fleet.Gateway.Api;

/// <summary>Request bodies carry finite numbers only: <c>1e400</c> reads as infinity in System.Text.Json and is refused here.</summary>
/// <remarks>On write a non-finite value (an overflowed mean of a device's extreme but finite numbers) is shown as null rather than failing the whole answer.</remarks>
internal sealed class FiniteDoubleConverter : JsonConverter<double>
{
    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var value = reader.GetDouble();
        return double.IsFinite(value) ? value : throw new JsonException($"{System.Text.Encoding.UTF8.GetString(reader.ValueSpan)} is not a finite number");
    }

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
