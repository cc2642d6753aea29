namespace Fleet.Gateway.Api.Models;

/// <summary>Body of <c>POST /api/v1/models/{id}/{version}/distill</c>: the teacher version, and the version to register (default: the next patch after the failing one).</summary>
internal sealed record DistillRequest(string? Teacher, string? NewVersion);
