using System.Runtime.InteropServices;
using Fleet.Shared.Onnx;
using Fleet.Shared.Onnx.Native;

namespace Fleet.Tests.Onnx;

/// <summary>Each OrtApi slot the binding uses behaves as its name says: a wrong index fails here.</summary>
public sealed unsafe class OrtApiTableTests
{
    public OrtApiTableTests() => OnnxRuntime.Initialize();

    [Fact]
    public void Version_OfBundledLibrary_Is1_30()
    {
        Assert.Equal(OnnxRuntime.BundledVersion, OnnxRuntime.Version);
    }

    [Fact]
    public void StatusSlots_RoundTripCodeAndMessage()
    {
        var status = OrtApi.CreateStatus(OrtErrorCode.InvalidGraph, "probe message");
        var exception = OrtApi.ExceptionFromStatus(status);
        Assert.Equal(OrtErrorCode.InvalidGraph, exception.ErrorCode);
        Assert.Equal("probe message", exception.OrtMessage);
    }

    [Fact]
    public void MemoryInfoSlots_DescribeCpuDeviceZero()
    {
        using var info = OrtApi.CreateCpuMemoryInfo();
        Assert.Equal("Cpu", OrtApi.MemoryInfoGetName(info.DangerousGetHandle()));
        Assert.Equal(0, OrtApi.MemoryInfoGetId(info.DangerousGetHandle()));
    }

    [Fact]
    public void TensorSlots_CreateOverCallerMemoryAndReportTypeAndShape()
    {
        using var tensor = NativeTensor.Create(TensorElementType.Int64, [2, 3, 4]);
        var (type, shape) = tensor.ReadBackFromOrt();
        Assert.Equal(TensorElementType.Int64, type);
        Assert.Equal([2L, 3, 4], shape);
        Assert.Equal(tensor.DataPointer, tensor.ReadDataPointerFromOrt());
    }

    [Fact]
    public void SessionSlots_ReportNamesTypesAndShapesTheWriterDeclared()
    {
        var model = OnnxTestModels.Get("Mlp");
        using var session = InferenceSession.Create(model.Model);
        Assert.Equal(["x"], session.Inputs.Select(i => i.Name));
        Assert.Equal([-1L, 16], session.Inputs[0].Shape);
        Assert.Equal(TensorElementType.Float, session.Inputs[0].ElementType);
        Assert.Equal(["y", "h0", "h1"], session.Outputs.Select(o => o.Name));
        Assert.Equal([-1L, 64], session.Outputs[2].Shape);
    }

    [Fact]
    public void SessionOptionSlots_AcceptThreadsLevelAndConfigEntries()
    {
        var options = new OnnxSessionOptions
        {
            IntraOpThreads = 2,
            InterOpThreads = 1,
            OptimizationLevel = GraphOptimizationLevel.Disabled,
            ConfigEntries = new Dictionary<string, string> { ["session.disable_prepacking"] = "1" },
        };
        using var session = InferenceSession.Create(OnnxTestModels.Get("Relu").Model, options);
        Assert.Single(session.Outputs);
    }

    [Fact]
    public void Probe_OfMissingLibrary_SaysWhereAndHowToFix()
    {
        var error = Assert.Throws<OnnxRuntimeNotAvailableException>(() => OnnxRuntime.Probe("/nonexistent/libonnxruntime.so.1"));
        Assert.Contains("/nonexistent/libonnxruntime.so.1", error.Message);
        Assert.Contains("FLEET_ORT_LIB", error.Message);
    }

    [Fact]
    public void Probe_OfLibraryThatIsNotOrt_IsRefused()
    {
        var libm = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "/lib/aarch64-linux-gnu/libm.so.6" : "/lib/x86_64-linux-gnu/libm.so.6";
        var error = Assert.Throws<OnnxRuntimeNotAvailableException>(() => OnnxRuntime.Probe(libm));
        Assert.Contains("OrtGetApiBase", error.Message);
    }

    [Fact]
    public void Probe_AskingForAnApiVersionTheLibraryLacks_SaysItIsTooOld()
    {
        var error = Assert.Throws<OnnxRuntimeNotAvailableException>(() => OnnxRuntime.Probe(OnnxRuntime.LibraryPath!, apiVersion: 999));
        Assert.Contains("too old", error.Message);
        Assert.Contains("1.30.0", error.Message);
    }
}
