using System.CommandLine;
using System.Text.Json;
using Fleet.Shared.Onnx;
using Fleet.Shared.Onnx.Format;

namespace Fleet.Cli.Models;

/// <summary>
/// <c>fleet model run FILE --input JSON</c>: runs the model once and prints every output as JSON. The input is inline
/// JSON or a path to a JSON file: an object mapping input names to (nested) arrays, e.g. <c>{"controls": [[0.5, 0.5, 0.5]]}</c>;
/// the nesting gives the shape, and a flat array for a model input of shape [?, n] is taken as one row.
/// </summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "ONNX model file" };
        var input = new Option<string>("--input") { Description = "Inputs as JSON ({\"name\": [[...]]}) or a path to a JSON file", Required = true };
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
            throw new FormatException("--input must be a JSON object mapping input names to arrays");
        }

        var inputs = new List<InputTensor>();
        foreach (var property in document.RootElement.EnumerateObject())
        {
            var info = session.Inputs.FirstOrDefault(i => i.Name == property.Name)
                ?? throw new OnnxRuntimeException(OrtErrorCode.InvalidArgument, $"model has no input '{property.Name}'; its inputs are {string.Join(", ", session.Inputs)}");
            var shape = new List<long>();
            var values = new List<double>();
            Flatten(property.Value, 0, shape, values);
            if (shape.Count == 1 && info.Shape.Count == 2)
            {
                shape.Insert(0, 1);
            }

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

    private static void Flatten(JsonElement element, int depth, List<long> shape, List<double> values)
    {
        if (element.ValueKind == JsonValueKind.Number)
        {
            values.Add(element.GetDouble());
            return;
        }

        if (element.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"input values must be numbers or arrays, not {element.ValueKind}");
        }

        var length = element.GetArrayLength();
        if (shape.Count == depth)
        {
            shape.Add(length);
        }
        else if (shape[depth] != length)
        {
            throw new FormatException($"ragged input: dimension {depth} has lengths {shape[depth]} and {length}");
        }

        foreach (var item in element.EnumerateArray())
        {
            Flatten(item, depth + 1, shape, values);
        }
    }
}
