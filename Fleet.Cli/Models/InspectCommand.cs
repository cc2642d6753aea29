using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Fleet.Shared.Onnx;
using Fleet.Shared.Onnx.Format;
using Fleet.Shared.Onnx.Reading;

namespace Fleet.Cli.Models;

/// <summary><c>fleet model inspect FILE [--json]</c>: inputs and outputs (name, type, shape), opset, size, per-tensor SHA-256, and what the reader could not use.</summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "ONNX model file" };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of text" };
        var command = new Command("inspect", "Show a model's inputs, outputs, opset, size and per-tensor SHA-256") { file, json };
        command.SetAction(parse => ModelCommand.Guard("inspect", Console.Error, () => Run(parse.GetValue(file)!, parse.GetValue(json), Console.Out)));
        return command;
    }

    public static int Run(string path, bool asJson, TextWriter output)
    {
        var model = OnnxModelReader.ReadFile(path);
        string ortStatus;
        try
        {
            using var session = InferenceSession.Load(path);
            ortStatus = $"loads in ONNX Runtime {OnnxRuntime.Version}";
        }
        catch (OnnxRuntimeException ex)
        {
            ortStatus = $"does NOT load in ONNX Runtime: {ex.Message}";
        }

        if (asJson)
        {
            WriteJson(path, model, ortStatus, output);
            return 0;
        }

        output.WriteLine($"model     {path}");
        output.WriteLine($"size      {model.SizeBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes");
        output.WriteLine($"ir        {model.IrVersion}   opset {string.Join(", ", model.Opsets.Select(o => $"{(o.Key.Length == 0 ? "ai.onnx" : o.Key)}:{o.Value}"))}   producer {model.ProducerName}");
        output.WriteLine($"graph     {model.Graph.Name}: {model.Graph.Nodes.Count} nodes ({string.Join(", ", model.Graph.Nodes.GroupBy(n => n.OpType).Select(g => $"{g.Key}×{g.Count()}"))})");
        output.WriteLine($"runtime   {ortStatus}");
        output.WriteLine("inputs");
        foreach (var i in model.Graph.Inputs)
        {
            output.WriteLine($"  {i}");
        }

        output.WriteLine("outputs");
        foreach (var o in model.Graph.Outputs)
        {
            output.WriteLine($"  {o}");
        }

        output.WriteLine("initializers (SHA-256 of the little-endian tensor bytes)");
        foreach (var t in model.Graph.Initializers)
        {
            var dims = $"[{string.Join(", ", t.Dims)}]";
            var origin = t.ExternalLocation is { } file ? $"  (external: {file})" : t.WasSparse ? "  (sparse)" : "";
            output.WriteLine($"  {t.Name,-16} {t.ElementType,-6} {dims,-14} {t.RawData.Length,9} B  {t.Sha256()}{origin}");
        }

        if (model.Issues.Count > 0)
        {
            output.WriteLine("not used by the reader");
            foreach (var issue in model.Issues)
            {
                output.WriteLine($"  {issue}");
            }
        }

        return 0;
    }

    private static void WriteJson(string path, OnnxModel model, string ortStatus, TextWriter output)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("path", path);
            w.WriteNumber("sizeBytes", model.SizeBytes);
            w.WriteNumber("irVersion", model.IrVersion);
            w.WriteNumber("opset", model.DefaultOpset);
            w.WriteString("producer", model.ProducerName);
            w.WriteString("runtime", ortStatus);
            WriteInfos(w, "inputs", model.Graph.Inputs);
            WriteInfos(w, "outputs", model.Graph.Outputs);
            w.WriteStartArray("initializers");
            foreach (var t in model.Graph.Initializers)
            {
                w.WriteStartObject();
                w.WriteString("name", t.Name);
                w.WriteString("type", t.ElementType.ToString());
                w.WriteStartArray("dims");
                foreach (var d in t.Dims)
                {
                    w.WriteNumberValue(d);
                }

                w.WriteEndArray();
                w.WriteNumber("bytes", t.RawData.Length);
                w.WriteString("sha256", t.Sha256());
                if (t.ExternalLocation is { } file)
                {
                    w.WriteString("external", file);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("issues");
            model.Issues.ToList().ForEach(w.WriteStringValue);
            w.WriteEndArray();
            w.WriteEndObject();
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static void WriteInfos(Utf8JsonWriter w, string name, IReadOnlyList<TensorInfo> infos)
    {
        w.WriteStartArray(name);
        foreach (var info in infos)
        {
            w.WriteStartObject();
            w.WriteString("name", info.Name);
            w.WriteString("type", info.ElementType.ToString());
            w.WriteStartArray("shape");
            foreach (var d in info.Shape)
            {
                w.WriteNumberValue(d);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}
