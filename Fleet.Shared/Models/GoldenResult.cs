namespace Fleet.Shared.Models;

/// <summary>Outcome of a golden validation: passed or not, and by how much the worst element missed.</summary>
public sealed record GoldenResult(bool Passed, int Cases, int FailedCases, float MaxAbsError, float Tolerance, string Message);
