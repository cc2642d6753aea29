using Fleet.Device.Inference;
using Fleet.Device.Storage;
using Fleet.Shared.Models;
using Fleet.Shared.Models.Packaging;
using Fleet.Shared.Protocol;

namespace Fleet.Device.Core;

/// <summary>
/// First start of a device: without a configured model, the reference vocoder becomes the factory default (and
/// the distilled reference safety model the safety fallback), so a fresh device always has something verified to run.
/// </summary>
internal static class ModelBootstrap
{
    public const string FactoryVersion = "1.0.0";

    /// <summary>The reference packages: the vocoder (factory default) and its safety model.</summary>
    public static (byte[] Factory, byte[] Safety) ReferencePackages()
    {
        var set = ReferenceModels.Build();
        return (
            ModelPackageWriter.Write(ModelPackage.FromReference(set.Vocoder, "vocoder", FactoryVersion)),
            ModelPackageWriter.Write(ModelPackage.FromReference(set.Safety, "vocoder-safety", FactoryVersion, parent: null)));
    }

    /// <summary>Installs the factory and safety packages (repairing damaged copies) and sets any pointer that is unset.</summary>
    public static string? EnsureInstalled(ModelCatalog catalog, byte[]? factoryPackage = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        // Installing is idempotent, and re-putting the built-in packages repairs their artifacts if the disk damaged them.
        var store = catalog.Store;
        var (factory, safety) = ReferencePackages();
        factory = factoryPackage ?? factory;
        foreach (var (bytes, pointers) in new[]
        {
            (factory, new[] { StorePointer.Factory, StorePointer.KnownGood, StorePointer.Active }),
            (safety, new[] { StorePointer.Safety }),
        })
        {
            var read = ModelPackageReader.Read(bytes);
            if (!read.IsSuccess)
            {
                return $"the factory package does not read: {read}";
            }

            var key = catalog.Install(bytes, read.Package!);
            if (!key.IsSuccess)
            {
                return $"cannot install {ModelHost.KeyOf(read.Package!.Card)}: {key.Error}";
            }

            foreach (var pointer in pointers)
            {
                if (!store.ReadPointer(pointer).IsSuccess)
                {
                    store.SetPointer(pointer, key.Value!);
                }
            }
        }

        return null;
    }

    /// <summary>Starts the active model, falling back to known-good, the factory default and the safety model.</summary>
    public static (ModelHost? Host, string? Problem) StartActive(ModelCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var problems = new List<string>();
        foreach (var (pointer, source) in new[]
        {
            (StorePointer.Active, ModelSource.Active), (StorePointer.KnownGood, ModelSource.KnownGood),
            (StorePointer.Factory, ModelSource.Factory), (StorePointer.Safety, ModelSource.Safety),
        })
        {
            var (host, problem) = ModelCatalog.Start(catalog.Load(pointer), source);
            if (host is not null)
            {
                var validation = host.Validate();
                if (validation.Passed)
                {
                    return (host, null);
                }

                host.Dispose();
                problem = validation.Message;
            }

            problems.Add($"{pointer}: {problem}");
        }

        return (null, string.Join("; ", problems));
    }
}
