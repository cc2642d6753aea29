using System.Net.Http.Headers;
using Fleet.Cli.Connection;
using Fleet.Shared.Models;
using Fleet.Shared.Models.Packaging;
using Fleet.Shared.Onnx;

namespace Fleet.Cli.Registry;

/// <summary>
/// <c>fleet models push FILE --golden FILE</c>: the artifact (an ONNX file, or a model package whose <c>model.onnx</c>
/// is used) must pass the golden set in ONNX Runtime before it is uploaded.
/// </summary>
internal static class PushValidation
{
    public static GoldenResult Validate(byte[] artifact, string goldenPath)
    {
        GoldenSet golden;
        try
        {
            golden = GoldenSet.FromJson(File.ReadAllText(goldenPath));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Text.Json.JsonException or ArgumentException)
        {
            throw new CliException($"cannot read the golden set {goldenPath}: {ex.Message}");
        }

        var onnx = IsZip(artifact) && ModelPackageReader.Read(artifact) is { Package: { } package } ? package.Onnx : artifact;
        try
        {
            using var session = InferenceSession.Create(onnx);
            var result = GoldenValidator.Validate(session.Run, golden);
            return result.Passed ? result : throw new CliException($"refused: the model fails its golden set in ONNX Runtime ({result.Message}); nothing was uploaded");
        }
        catch (OnnxRuntimeException ex)
        {
            throw new CliException($"refused: ONNX Runtime cannot load or run the model ({ex.Message}); nothing was uploaded");
        }
    }

    /// <summary>
    /// The upload body: the artifact alone, or with a golden set a multipart form (parts <c>model</c> and <c>golden</c>)
    /// so the gateway validates against the same set.
    /// </summary>
    public static HttpContent Content(byte[] artifact, string fileName, string? goldenPath)
    {
        var model = new ByteArrayContent(artifact);
        model.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        if (goldenPath is null)
        {
            return model;
        }

        var golden = new ByteArrayContent(File.ReadAllBytes(goldenPath));
        golden.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return new MultipartFormDataContent { { model, "model", fileName }, { golden, "golden", Path.GetFileName(goldenPath) } };
    }

    private static bool IsZip(byte[] bytes) => bytes.Length > 4 && bytes[0] == (byte)'P' && bytes[1] == (byte)'K';
}
