using System.Text.Json;
using Fleet.Cli.Models;
using Fleet.Shared.Models;
using Fleet.Shared.Onnx.Reading;

namespace Fleet.Tests.Onnx;

/// <summary><c>fleet model inspect|run|check|reference</c> against the generated reference models.</summary>
public sealed class ModelCommandTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("fleet-model-cli-");

    public ModelCommandTests() => ReferenceCommand.Run(_directory.FullName, TextWriter.Null, CancellationToken.None);

    private string PathOf(string name) => Path.Combine(_directory.FullName, name);

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public void Inspect_ListsInputsOutputsOpsetAndEveryTensorDigest()
    {
        var output = new StringWriter();
        Assert.Equal(0, InspectCommand.Run(PathOf("vocoder.onnx"), asJson: true, output));
        using var json = JsonDocument.Parse(output.ToString());
        var root = json.RootElement;
        Assert.Equal(13, root.GetProperty("opset").GetInt32());
        Assert.Equal("controls", root.GetProperty("inputs")[0].GetProperty("name").GetString());
        Assert.Equal(["output", "hidden0", "hidden1"], root.GetProperty("outputs").EnumerateArray().Select(o => o.GetProperty("name").GetString()));
        var model = OnnxModelReader.ReadFile(PathOf("vocoder.onnx"));
        Assert.Equal(model.Graph.Initializers.Select(i => i.Sha256()), root.GetProperty("initializers").EnumerateArray().Select(i => i.GetProperty("sha256").GetString()));
    }

    [Fact]
    public void Run_PrintsOutputsAsJson_ThatMatchTheGoldenSet()
    {
        var golden = GoldenSet.FromJson(File.ReadAllText(PathOf("vocoder.golden.json")));
        var input = JsonSerializer.Serialize(new Dictionary<string, float[][]> { ["controls"] = [golden.Cases[0].Input] });
        var output = new StringWriter();
        Assert.Equal(0, RunCommand.Run(PathOf("vocoder.onnx"), input, output));
        using var json = JsonDocument.Parse(output.ToString());
        var data = json.RootElement.GetProperty("output").GetProperty("data").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        Assert.True(data.Zip(golden.Cases[0].Expected, (a, b) => MathF.Abs(a - b)).Max() <= golden.Tolerance);
    }

    [Fact]
    public void Check_PassesTheRightModel_AndFailsTheWrongOneWithExitCode1()
    {
        Assert.Equal(0, CheckCommand.Run(PathOf("vocoder.onnx"), PathOf("vocoder.golden.json"), TextWriter.Null));
        var output = new StringWriter();
        Assert.Equal(1, CheckCommand.Run(PathOf("vocoder-pruned.onnx"), PathOf("vocoder.golden.json"), output));
        Assert.Contains("FAILED", output.ToString());
    }

    [Fact]
    public void BadModelOrInput_GivesExitCode2AndAClearMessage()
    {
        File.WriteAllBytes(PathOf("truncated.onnx"), File.ReadAllBytes(PathOf("vocoder.onnx"))[..300]);
        var error = new StringWriter();
        Assert.Equal(2, ModelCommand.Guard("inspect", error, () => InspectCommand.Run(PathOf("truncated.onnx"), false, TextWriter.Null)));
        Assert.Contains("runs past the end", error.ToString());
        Assert.Equal(2, ModelCommand.Guard("run", error, () => RunCommand.Run(PathOf("vocoder.onnx"), "{\"controls\": [[1, 2]]}", TextWriter.Null)));
        Assert.Contains("expects shape", error.ToString());
        Assert.Equal(2, ModelCommand.Guard("run", error, () => RunCommand.Run(PathOf("vocoder.onnx"), "not json", TextWriter.Null)));
    }
}
