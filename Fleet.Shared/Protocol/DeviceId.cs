namespace Fleet.Shared.Protocol;

/// <summary>Device identifiers as docs/PROTOCOL.md defines them: <c>^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$</c>.</summary>
/// <remarks>The rule keeps ids safe as MQTT client ids, topic levels, file names and URL path segments.</remarks>
public static class DeviceId
{
    /// <summary>Longest valid id.</summary>
    public const int MaxLength = 64;

    /// <summary>True when <paramref name="deviceId"/> is a valid device id.</summary>
    public static bool IsValid(string? deviceId) => Problem(deviceId) is null;

    /// <summary>Why <paramref name="deviceId"/> is not valid, or null when it is.</summary>
    public static string? Problem(string? deviceId)
    {
        if (string.IsNullOrEmpty(deviceId))
        {
            return "device id is empty";
        }

        if (deviceId.Length > MaxLength)
        {
            return $"device id is {deviceId.Length} characters long (at most {MaxLength})";
        }

        if (!char.IsAsciiLetterOrDigit(deviceId[0]))
        {
            return "device id must start with an ASCII letter or digit";
        }

        foreach (var c in deviceId)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
            {
                return $"device id contains '{c}' (allowed: A-Z a-z 0-9 . _ -)";
            }
        }

        return null;
    }

    /// <summary>Throws <see cref="ArgumentException"/> when <paramref name="deviceId"/> is not valid.</summary>
    public static void ThrowIfInvalid(string? deviceId, string paramName = "deviceId")
    {
        if (Problem(deviceId) is { } problem)
        {
            throw new ArgumentException(problem, paramName);
        }
    }
}
