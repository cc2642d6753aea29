namespace Fleet.Device.Storage;

/// <summary>The manifest of one stored model version: its artifact and its golden weight snapshot, by content hash.</summary>
/// <param name="Version">Version name (e.g. <c>1.2.0</c>).</param>
/// <param name="ModelId">The model it is a version of.</param>
/// <param name="ArtifactSha256">Lower-case hex SHA-256 of the model artifact (the ONNX file).</param>
/// <param name="GoldenSha256">Lower-case hex SHA-256 of the golden weight snapshot restores copy from.</param>
internal sealed record StoredVersion(string Version, string ModelId, string ArtifactSha256, string GoldenSha256);
