using Fleet.Shared.Learning;
using Fleet.Shared.Models.Packaging;

namespace Fleet.Gateway.Distillation;

/// <summary>A distilled student, packaged (card with metrics before/after), ready to be registered.</summary>
internal sealed record DistillationResult(Mlp Student, ModelPackage Package, IReadOnlyDictionary<string, double> Metrics);
