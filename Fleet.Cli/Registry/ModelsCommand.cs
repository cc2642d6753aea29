using System.CommandLine;
using Fleet.Cli.Connection;
using Spectre.Console;

namespace Fleet.Cli.Registry;

/// <summary><c>fleet models list|push|show|insights|distill</c>: the gateway's model registry.</summary>
internal static class ModelsCommand
{
    public static Command Create()
    {
        var models = new Command("models", "The gateway's model registry");
        models.Add(List());
        models.Add(Push());
        models.Add(ModelInsightsCommand.Create());
        models.Add(ModelDistillCommand.Create());
        models.Add(ModelShowCommand.Create());
        models.Add(ModelExportMcuCommand.Create());
        return models.WithConnection();
    }

    private static Command List()
    {
        var command = new Command("list", "Registered model versions");
        command.SetAction((parse, ct) => CliCommon.RunAsync(parse, async (client, output) =>
        {
            var list = await client.GetAsync("/api/v1/models", ct).ConfigureAwait(false);
            if (output.Json)
            {
                output.WriteJson(list);
                return;
            }

            var table = new Table().AddColumns("Model", "Version", "Parent", "SHA-256", "Created");
            foreach (var m in list.GetProperty("items").EnumerateArray())
            {
                table.AddRow(Markup.Escape(CliOutput.Text(m, "id")), Markup.Escape(CliOutput.Text(m, "version")), Markup.Escape(CliOutput.Text(m, "parentVersion")),
                    CliOutput.Text(m, "sha256")[..12] + "…", Markup.Escape(CliOutput.Time(m, "created")));
            }

            output.Console.Write(table);
        }, ct));
        return command;
    }

    private static Command Push()
    {
        var file = new Argument<FileInfo>("file") { Description = "The model artifact: a model package (.zip) or a bare .onnx file with --golden" };
        var id = new Option<string>("--id") { Description = "Model id", Required = true };
        var version = new Option<string>("--version") { Description = "Model version", Required = true };
        var parent = new Option<string?>("--parent") { Description = "The version this one derives from (the rollback target)" };
        var golden = new Option<string?>("--golden") { Description = "Golden set JSON the model must pass in ONNX Runtime (checked here and again by the gateway); needed for a bare .onnx file" };
        var command = new Command("push", "Upload a model version; the gateway hashes and signs it with the fleet key") { file, id, version, parent, golden };
        command.SetAction((parse, ct) => CliCommon.RunAsync(parse, async (client, output) =>
        {
            var artifact = parse.GetValue(file)!;
            if (!artifact.Exists)
            {
                throw new CliException($"{artifact.FullName} does not exist");
            }

            var bytes = await File.ReadAllBytesAsync(artifact.FullName, ct).ConfigureAwait(false);
            // Checked here to save a refused upload; the gateway runs the same validation itself before it registers anything.
            var goldenPath = parse.GetValue(golden);
            var validated = goldenPath is null ? null : PushValidation.Validate(bytes, goldenPath);
            using var content = PushValidation.Content(bytes, artifact.Name, goldenPath);
            var path = $"/api/v1/models/{Uri.EscapeDataString(parse.GetValue(id)!)}/{Uri.EscapeDataString(parse.GetValue(version)!)}"
                + (parse.GetValue(parent) is { } p ? "?parent=" + Uri.EscapeDataString(p) : "");
            var model = await client.SendAsync(HttpMethod.Put, path, content, ct).ConfigureAwait(false);
            if (output.Json)
            {
                output.WriteJson(model);
                return;
            }

            if (validated is not null)
            {
                output.Writer.WriteLine($"golden set: {validated.Message}");
            }

            output.Writer.WriteLine($"pushed {CliOutput.Text(model, "id")} {CliOutput.Text(model, "version")} sha256 {CliOutput.Text(model, "sha256")} (signed)");
        }, ct));
        return command;
    }
}
