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
    public static string? Problem(string? deviceId) => Problem(deviceId, "device id");

    /// <summary>Why <paramref name="value"/> breaks the same rule, naming it <paramref name="what"/> (model ids and versions share the rule).</summary>
    public static string? Problem(string? value, string what)
    {
        if (string.IsNullOrEmpty(value))
        {
            return $"{what} is empty";
        }

        if (value.Length > MaxLength)
        {
            return $"{what} is {value.Length} characters long (at most {MaxLength})";
        }

        if (!char.IsAsciiLetterOrDigit(value[0]))
        {
            return $"{what} must start with an ASCII letter or digit";
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
            {
                return $"{what} contains '{c}' (allowed: A-Z a-z 0-9 . _ -)";
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
