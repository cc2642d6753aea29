namespace Fleet.Shared.Security;

/// <summary>
/// The gateway's <c>{data}/credentials</c> file: its API tokens as <c>name=secret</c> lines, <c>#</c> comments.
/// The gateway writes it once (mode 0600); the CLI and <c>fleet demo</c> read it.
/// </summary>
public static class CredentialsFile
{
    /// <summary>The file name inside the gateway's data directory.</summary>
    public const string FileName = "credentials";

    /// <summary>Writes the tokens, owner-only.</summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, string>> tokens) =>
        PrivateFile.Write(path, "# Fleet gateway API tokens (shown once; only hashes are kept in tokens.json)\n"
            + string.Concat((tokens ?? throw new ArgumentNullException(nameof(tokens))).Select(t => $"{t.Key}={t.Value}\n")));

    /// <summary>Reads every <c>name=secret</c> line.</summary>
    public static IReadOnlyDictionary<string, string> Read(string path) =>
        File.ReadLines(path)
            .Where(l => !l.StartsWith('#') && l.Contains('=', StringComparison.Ordinal))
            .Select(l => l.Split('=', 2))
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.Ordinal);
}
