namespace Fleet.Device.Configuration;

/// <summary>
/// <c>--password-file</c>: <c>deviceId:password</c> lines (blank lines and <c>#</c> comments skipped). With it every device
/// logs in to the broker as its own id with its own password, like a provisioned device.
/// </summary>
internal static class DevicePasswordFile
{
    /// <summary>The passwords by device id, or why the file is unusable.</summary>
    public static (IReadOnlyDictionary<string, string>? Passwords, string? Problem) Read(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, $"--password-file '{path}': {ex.Message}");
        }

        var passwords = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || colon == line.Length - 1)
            {
                return (null, $"--password-file '{path}' line {i + 1}: expected deviceId:password");
            }

            passwords[line[..colon]] = line[(colon + 1)..];
        }

        return (passwords, null);
    }

    /// <summary><paramref name="options"/> logging in as <paramref name="deviceId"/> with its password, or why it has none.</summary>
    public static (DeviceOptions? Options, string? Problem) For(DeviceOptions options, IReadOnlyDictionary<string, string>? passwords, string deviceId)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (passwords is null)
        {
            return (options, null);
        }

        return passwords.TryGetValue(deviceId, out var password)
            ? (options with { Username = deviceId, Password = password }, null)
            : (null, $"--password-file has no password for {deviceId}; provision it (fleet devices provision {deviceId})");
    }
}
