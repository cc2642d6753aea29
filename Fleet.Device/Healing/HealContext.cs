using Fleet.Device.Inference;
using Fleet.Shared.Health;

namespace Fleet.Device.Healing;

/// <summary>What a rung works with: the running host, the catalog on disk and the evidence.</summary>
internal sealed record HealContext(ModelHost Host, ModelCatalog Catalog, IReadOnlyList<TensorMismatch> Mismatches);
