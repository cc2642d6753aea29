using System.CommandLine;
using System.Globalization;
using Fleet.Shared.Models;

namespace Fleet.Cli.Models;

/// <summary><c>fleet model reference OUTDIR</c>: writes the reference models, golden sets, baseline histograms, mask and WAVs.</summary>
internal static class ReferenceCommand
{
    public static Command Create()
    {
        var directory = new Argument<string>("outdir") { Description = "Directory to write into (created if missing)" };
        var command = new Command("reference", "Generate the reference vocoder models, golden sets, baselines and WAV files") { directory };
        command.SetAction((parse, cancellationToken) => Task.FromResult(
            ModelCommand.Guard("reference", Console.Error, () => Run(parse.GetValue(directory)!, Console.Out, cancellationToken))));
        return command;
    }

    public static int Run(string directory, TextWriter output, CancellationToken cancellationToken)
    {
        var manifest = ReferenceModels.WriteTo(directory, cancellationToken);
        output.WriteLine($"reference models ({manifest.Generator}) in {Path.GetFullPath(directory)}:");
        foreach (var (name, sha) in manifest.FileSha256.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {name,-28} {sha}");
        }

        foreach (var (name, error) in manifest.RelativeError)
        {
            output.WriteLine($"  {name} relative RMS error vs the synthesiser: {error.ToString("F3", CultureInfo.InvariantCulture)}");
        }

        return 0;
    }
}
