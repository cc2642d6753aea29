namespace Fleet.Shared.Health;

/// <summary>A diagnosis and the evidence that decided it, as a sentence for events and logs.</summary>
public readonly record struct DiagnosisResult(Diagnosis Diagnosis, string Reason);
