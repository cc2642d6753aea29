namespace Fleet.Gateway.Distillation;

/// <summary>
/// Asks the <see cref="Distiller"/> to distil model <see cref="ModelId"/> <see cref="FromVersion"/> (the failing parent)
/// from <see cref="TeacherVersion"/> into <see cref="NewVersion"/>; answered at once with the <see cref="DistillationJob"/>.
/// </summary>
internal sealed record StartDistillation(string ModelId, string FromVersion, string TeacherVersion, string NewVersion, string Actor) : IFleetClusterMessage;
