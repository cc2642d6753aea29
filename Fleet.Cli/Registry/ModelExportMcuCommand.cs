using System.CommandLine;
using System.Globalization;
using Fleet.Cli.Connection;
using Fleet.Shared.Mcu;
using Fleet.Shared.Models.Packaging;
using Fleet.Shared.Onnx.Reading;

namespace Fleet.Cli.Registry;

/// <summary>
/// <c>fleet models export-mcu MODEL VERSION --out DIR</c>: quantises a registered model version (downloaded from the
/// gateway, or read from a local package with <c>--package</c>) for Fleet.Mcu and writes the flash image, its C
/// header, golden codes, baseline, digests and the quantisation report. Fails (exit 1) when the int8 network's
/// relative RMS error against the float model exceeds <c>--max-error</c>.
/// </summary>
internal static class ModelExportMcuCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "Model id" };
        var version = new Argument<string>("version") { Description = "Model version" };
        var output = new Option<DirectoryInfo>("--out") { Description = "Directory to write MODEL.fmi, MODEL.h and the JSON files into", Required = true };
        var package = new Option<FileInfo?>("--package") { Description = "Read a local model package (.zip) instead of downloading the version from the gateway" };
        var range = new Option<string?>("--input-range") { Description = "The sensor's input range MIN:MAX the device feeds (default: the golden inputs' range)" };
        var maxError = new Option<double>("--max-error") { Description = "Largest relative RMS error of the int8 network vs the float model accepted", DefaultValueFactory = _ => 0.05 };
        var command = new Command("export-mcu", "Quantise a model version to int8 for Fleet.Mcu (flash image, C header, golden codes, baseline, digests)")
        {
            model, version, output, package, range, maxError,
        };
        command.SetAction((parse, ct) => CliCommon.RunAsync(parse, async (client, console) =>
        {
            var id = parse.GetValue(model)!;
            var ver = parse.GetValue(version)!;
            byte[] bytes;
            if (parse.GetValue(package) is { } file)
            {
                if (!file.Exists)
                {
                    throw new CliException($"{file.FullName} does not exist");
                }

                bytes = await File.ReadAllBytesAsync(file.FullName, ct).ConfigureAwait(false);
            }
            else
            {
                bytes = await client.GetBytesAsync($"/api/v1/models/{Uri.EscapeDataString(id)}/{Uri.EscapeDataString(ver)}/artifact", ct).ConfigureAwait(false);
            }

            var export = Export(bytes, id, ver, ParseRange(parse.GetValue(range)));
            var directory = parse.GetValue(output)!.FullName;
            var paths = McuExportFiles.Write(export, directory, id);
            var e = export.Error;
            var w = console.Writer;
            w.WriteLine(FormattableString.Invariant($"{id} {ver} {string.Join("-", export.Model.Sizes)}: image {export.Image.Length} bytes, {export.ChunkDigests.Length} chunks of 1 KiB, sha256 {export.Sha256}"));
            w.WriteLine(FormattableString.Invariant($"int8 vs float over {e.Samples} calibration samples: relative RMS error {e.RelativeRms:F4}, max abs error {e.MaxAbsolute:F4}; golden cases max abs error {e.GoldenMaxAbsolute:F4}"));
            w.WriteLine(FormattableString.Invariant($"KL threshold {export.KlMax:F4} nats over windows of {export.WindowInferences} inferences"));
            foreach (var path in paths)
            {
                w.WriteLine($"wrote {path}");
            }

            var bound = parse.GetValue(maxError);
            if (e.RelativeRms > bound)
            {
                throw new CliException(FormattableString.Invariant($"quantisation error {e.RelativeRms:F4} exceeds --max-error {bound}; the files were written for inspection but the model is not fit for int8"));
            }
        }, ct));
        return command;
    }

    /// <summary>Reads a package and quantises it; every expected failure becomes a <see cref="CliException"/>.</summary>
    internal static McuExport Export(byte[] packageBytes, string id, string version, (float Min, float Max)? range)
    {
        var read = ModelPackageReader.Read(packageBytes);
        if (!read.IsSuccess)
        {
            throw new CliException($"not a model package: {read.Message}");
        }

        var package = read.Package!;
        if (package.Card.Id != id || package.Card.ModelVersion != version)
        {
            throw new CliException($"the package is {package.Card.Id} {package.Card.ModelVersion}, not {id} {version}");
        }

        try
        {
            return McuExporter.ExportPackage(package, new McuExportOptions(InputMin: range?.Min, InputMax: range?.Max));
        }
        catch (Exception ex) when (ex is OnnxFormatException or NotSupportedException or ArgumentException)
        {
            throw new CliException($"cannot export {id} {version} for the MCU: {ex.Message}", ex);
        }
    }

    private static (float, float)? ParseRange(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var parts = text.Split(':');
        if (parts.Length == 2
            && float.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var min)
            && float.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var max)
            && float.IsFinite(min) && float.IsFinite(max) && max > min)
        {
            return (min, max);
        }

        throw new CliException($"--input-range '{text}' is not MIN:MAX with MIN < MAX");
    }
}
