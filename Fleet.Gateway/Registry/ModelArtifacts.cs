using System.Text.Json;
using Fleet.Shared.Models;
using Fleet.Shared.Models.Packaging;
using Fleet.Shared.Onnx;

namespace Fleet.Gateway.Registry;

/// <summary>
/// The gateway's own check of an upload before anything is registered: the artifact is loaded in ONNX Runtime and must
/// pass its golden set — a model package its own <c>golden.json</c> (and the card must name the id and version it is
/// uploaded as), a bare ONNX file the golden set sent with it. Whatever the client checked, nothing is trusted.
/// </summary>
internal static class ModelArtifacts
{
    /// <summary>Whether <paramref name="bytes"/> start like a zip file (a model package) rather than ONNX protobuf.</summary>
    public static bool IsPackage(ReadOnlySpan<byte> bytes) => bytes is [(byte)'P', (byte)'K', 3, 4, ..];

    /// <summary>Validates <paramref name="artifact"/> uploaded as <paramref name="modelId"/> <paramref name="version"/>.</summary>
    /// <param name="golden">The golden set sent with the upload; required for a bare ONNX file, checked in addition for a package.</param>
    public static UploadCheck Validate(string modelId, string version, byte[] artifact, GoldenSet? golden)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        byte[] onnx;
        var sets = new List<GoldenSet>();
        IReadOnlyDictionary<string, double> cardMetrics = new Dictionary<string, double>();
        if (IsPackage(artifact))
        {
            var read = ModelPackageReader.Read(artifact);
            if (read.Package is not { } package)
            {
                return UploadCheck.Refused($"the model package is not valid: {read.Message}");
            }

            if (package.Card.Id != modelId || package.Card.ModelVersion != version)
            {
                return UploadCheck.Refused($"the package's card names {package.Card.Id} {package.Card.ModelVersion}, not {modelId} {version}; devices would refuse it");
            }

            onnx = package.Onnx;
            sets.Add(package.Golden);
            cardMetrics = package.Card.Metrics;
        }
        else if (golden is null)
        {
            return UploadCheck.Refused("a bare ONNX model needs a golden set to be validated: upload a model package, or send the golden set with it (multipart part 'golden'; fleet models push FILE --golden FILE)");
        }
        else
        {
            onnx = artifact;
        }

        if (golden is not null)
        {
            sets.Add(golden);
        }

        try
        {
            using var session = InferenceSession.Create(onnx);
            var results = new List<GoldenResult>();
            foreach (var set in sets)
            {
                var result = GoldenValidator.Validate(session.Run, set);
                if (!result.Passed)
                {
                    return UploadCheck.Refused($"the model fails its golden set in ONNX Runtime on the gateway: {result.Message}");
                }

                results.Add(result);
            }

            var metrics = new Dictionary<string, double>(cardMetrics, StringComparer.Ordinal)
            {
                ["goldenCases"] = results.Sum(r => r.Cases),
                ["goldenMaxAbsError"] = Math.Round(results.Max(r => r.MaxAbsError), 8),
                ["goldenTolerance"] = results.Min(r => r.Tolerance),
            };
            return new UploadCheck(null, string.Join("; ", results.Select(r => r.Message)), JsonSerializer.Serialize(metrics));
        }
        catch (OnnxRuntimeException ex)
        {
            // Also OnnxRuntimeNotAvailableException: a gateway that cannot run ONNX Runtime registers nothing it could not check.
            return UploadCheck.Refused($"ONNX Runtime on the gateway cannot load or run the model: {ex.Message}");
        }
    }

    /// <summary>The golden set in <paramref name="json"/>, or the reason it is not one.</summary>
    public static (GoldenSet? Golden, string? Problem) ParseGolden(string json)
    {
        try
        {
            return (GoldenSet.FromJson(json), null);
        }
        catch (FormatException ex)
        {
            return (null, ex.Message);
        }
    }
}
