using Fleet.Gateway.Store;
using Fleet.Gateway.Store.Models;
using Fleet.Shared.Security;

namespace Fleet.Gateway.Registry;

/// <summary>
/// At start, before the actors: moves model versions registered before artifacts lived in the store (their artifact
/// and golden set written under one node's <c>{data}/models/{id}/</c>) into the store, when this node has the files and
/// the artifact still hashes to the registered SHA-256. Each import is logged; the files are left in place (delete them
/// once every node has started). A version whose file is not on this node keeps being served from its path by the node
/// that has it (<see cref="ModelRegistry.ReadArtifactAsync"/>) until that node starts and imports it.
/// </summary>
internal sealed partial class LegacyModelImport(FleetStoreService storeService, ILogger<LegacyModelImport> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var models = storeService.Store.Models;
        foreach (var id in await models.ListModelIdsAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var model in await models.ListVersionsAsync(id, cancellationToken).ConfigureAwait(false))
            {
                if (model is { HasInlineArtifact: false, ArtifactPath: { } path })
                {
                    await ImportAsync(models, model, path, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task ImportAsync(IModelStore models, ModelRecord model, string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            NotOnThisNode(logger, model.ModelId, model.Version, path);
            return;
        }

        try
        {
            var artifact = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
            if (!string.Equals(ModelSignature.Sha256Hex(artifact), model.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                HashMismatch(logger, model.ModelId, model.Version, path, model.Sha256);
                return;
            }

            string? golden = null;
            if (model.GoldenSetRef is { } goldenPath && File.Exists(goldenPath))
            {
                golden = await File.ReadAllTextAsync(goldenPath, cancellationToken).ConfigureAwait(false);
            }

            if (await models.ImportArtifactAsync(model.ModelId, model.Version, artifact, golden, cancellationToken).ConfigureAwait(false))
            {
                Imported(logger, model.ModelId, model.Version, artifact.Length, path, golden is not null);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            ImportFailed(logger, ex, model.ModelId, model.Version, path);
        }
    }

    [LoggerMessage(1400, LogLevel.Information, "Model {ModelId} {Version}: imported its artifact ({Bytes} bytes, golden set: {Golden}) from {Path} into the store; every node serves it now, the file may be deleted")]
    private static partial void Imported(ILogger logger, string modelId, string version, int bytes, string path, bool golden);

    [LoggerMessage(1401, LogLevel.Warning, "Model {ModelId} {Version}: its artifact {Path} is not on this node; the node that has it imports it into the store when it starts (until then only that node serves it)")]
    private static partial void NotOnThisNode(ILogger logger, string modelId, string version, string path);

    [LoggerMessage(1402, LogLevel.Error, "Model {ModelId} {Version}: {Path} does not hash to the registered SHA-256 {Sha256}; not imported (devices would refuse it)")]
    private static partial void HashMismatch(ILogger logger, string modelId, string version, string path, string sha256);

    [LoggerMessage(1403, LogLevel.Error, "Model {ModelId} {Version}: importing {Path} into the store failed")]
    private static partial void ImportFailed(ILogger logger, Exception exception, string modelId, string version, string path);
}
