namespace Fleet.Gateway.Distillation;

/// <summary>Asks the <see cref="Distiller"/> for a job; answered with the <see cref="DistillationJob"/> or <see cref="DistillationJob.None"/>.</summary>
internal sealed record GetDistillation(string JobId) : IFleetClusterMessage;
