using System.CommandLine;
using System.Text.Json;
using Fleet.Shared.Onnx;
using Fleet.Shared.Onnx.Format;

namespace Fleet.Cli.Models;

/// <summary>
/// <c>fleet model run FILE --input JSON</c>: runs the model once and prints every output as JSON,
/// <c>{"name": {"shape": [...], "data": [...]}}</c>. The input is inline JSON or a path to a JSON file: an object
/// mapping input names to one of <see cref="AcceptedForms"/>, so an output can be fed back as an input.
/// </summary>
internal static class RunCommand
{
    public const string AcceptedForms =
        "{\"name\": {\"shape\": [...], \"data\": [...]}} (what `fleet model run` prints), " +
        "{\"name\": [[...], ...]} (nested arrays; the nesting is the shape), or " +
        "{\"name\": [...]} (flat; for a fixed shape, or one free dimension worked out from the count)";

    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "ONNX model file" };
        var input = new Option<string>("--input") { Description = "Inputs as JSON ({\"name\": [[...]]} or {\"name\": {\"shape\": [...], \"data\": [...]}}) or a path to a JSON file", Required = true };
        var command = new Command("run", "Run a model on JSON inputs and print its outputs as JSON") { file, input };
        command.SetAction(parse => ModelCommand.Guard("run", Console.Error, () => Run(parse.GetValue(file)!, parse.GetValue(input)!, Console.Out)));
        return command;
    }

    public static int Run(string path, string inputJson, TextWriter output)
    {
        using var session = InferenceSession.Load(path);
        var text = inputJson.TrimStart().StartsWith('{') ? inputJson : File.ReadAllText(inputJson);
        using var document = JsonDocument.Parse(text);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"--input must be a JSON object mapping input names to values; accepted forms: {AcceptedForms}");
        }

        var inputs = new List<InputTensor>();
        foreach (var property in document.RootElement.EnumerateObject())
        {
            var info = session.Inputs.FirstOrDefault(i => i.Name == property.Name)
                ?? throw new OnnxRuntimeException(OrtErrorCode.InvalidArgument, $"model has no input '{property.Name}'; its inputs are {string.Join(", ", session.Inputs)}");
            var (shape, values) = ReadValue(info, property.Value);
            inputs.Add(info.ElementType == TensorElementType.Int64
                ? new InputTensor(info.Name, shape, Int64s: values.Select(v => (long)v).ToArray())
                : new InputTensor(info.Name, shape, values.Select(v => (float)v).ToArray()));
        }

        var outputs = session.Run(inputs);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            foreach (var o in outputs)
            {
                w.WriteStartObject(o.Name);
                w.WriteStartArray("shape");
                o.Shape.ToList().ForEach(w.WriteNumberValue);
                w.WriteEndArray();
                w.WriteStartArray("data");
                if (o.Floats is not null)
                {
                    foreach (var v in o.Floats)
                    {
                        if (float.IsFinite(v))
                        {
                            w.WriteNumberValue(v);
                        }
                        else
                        {
                            w.WriteStringValue(v.ToString(System.Globalization.CultureInfo.InvariantCulture));
                        }
                    }
                }

                o.Int64s?.ToList().ForEach(w.WriteNumberValue);
                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
        return 0;
    }

    /// <summary>The shape and values of one input in any of the <see cref="AcceptedForms"/>.</summary>
    private static (long[] Shape, List<double> Values) ReadValue(TensorInfo info, JsonElement value)
    {
        var shape = new List<long>();
        var values = new List<double>();
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                if (!value.TryGetProperty("data", out var data))
                {
                    throw new FormatException($"input '{info.Name}' is an object without \"data\"; accepted forms: {AcceptedForms}");
                }

                Flatten(info.Name, data, 0, shape, values);
                if (value.TryGetProperty("shape", out var given))
                {
                    if (given.ValueKind != JsonValueKind.Array || given.EnumerateArray().Any(d => d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out var n) || n < 0))
                    {
                        throw new FormatException($"input '{info.Name}': \"shape\" must be an array of non-negative integers");
                    }

                    var explicitShape = given.EnumerateArray().Select(d => d.GetInt64()).ToArray();
                    var count = explicitShape.Aggregate(1L, (a, b) => a * b);
                    if (count != values.Count)
                    {
                        throw new FormatException($"input '{info.Name}': shape [{string.Join(", ", explicitShape)}] holds {count} values but \"data\" has {values.Count}");
                    }

                    return (explicitShape, values);
                }

                break;
            case JsonValueKind.Array or JsonValueKind.Number:
                Flatten(info.Name, value, 0, shape, values);
                break;
            default:
                throw new FormatException($"input '{info.Name}' is a JSON {value.ValueKind}; accepted forms: {AcceptedForms}");
        }

        return (shape.Count == info.Shape.Count ? shape.ToArray() : FitToModel(info, values.Count, shape), values);
    }

    /// <summary>A shape for <paramref name="count"/> values given flat: the model's own, with at most one free dimension worked out.</summary>
    private static long[] FitToModel(TensorInfo info, int count, List<long> given)
    {
        var fixedCount = info.Shape.Where(d => d >= 0).Aggregate(1L, (a, b) => a * b);
        var free = info.Shape.Count(d => d < 0);
        if (free == 0 && fixedCount == count)
        {
            return info.Shape.ToArray();
        }

        if (free == 1 && fixedCount > 0 && count % fixedCount == 0)
        {
            return info.Shape.Select(d => d < 0 ? count / fixedCount : d).ToArray();
        }

        throw new FormatException(
            $"input '{info.Name}' ({info}) was given {count} values as [{string.Join(", ", given)}], which do not fill it"
            + (free > 1 ? $"; it has {free} free dimensions, so give the shape" : "")
            + $"; accepted forms: {AcceptedForms}");
    }

    private static void Flatten(string name, JsonElement element, int depth, List<long> shape, List<double> values)
    {
        if (element.ValueKind == JsonValueKind.Number)
        {
            if (shape.Count > depth)
            {
                throw new FormatException($"input '{name}' is ragged: a number where dimension {depth} expects an array");
            }

            values.Add(element.GetDouble());
            return;
        }

        if (element.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"input '{name}' values must be numbers or arrays, not {element.ValueKind}; accepted forms: {AcceptedForms}");
        }

        var length = element.GetArrayLength();
        if (shape.Count == depth && values.Count == 0)
        {
            shape.Add(length);
        }
        else if (shape.Count <= depth || shape[depth] != length)
        {
            throw new FormatException($"input '{name}' is ragged: dimension {depth} has lengths {(shape.Count > depth ? shape[depth] : 0)} and {length}");
        }

        foreach (var item in element.EnumerateArray())
        {
            Flatten(name, item, depth + 1, shape, values);
        }
    }
}
