namespace Fleet.Shared.Models.Packaging;

/// <summary>Dotted numeric model versions (<c>1</c>, <c>1.2</c>, <c>1.2.10</c>) compared part by part.</summary>
public static class ModelVersions
{
    /// <summary>True when <paramref name="version"/> is 1–4 dot-separated non-negative integers.</summary>
    public static bool IsValid(string? version) => TryParse(version, out _);

    /// <summary>
    /// Compares two versions numerically (missing parts count as 0, so <c>1.2</c> equals <c>1.2.0</c>);
    /// an invalid version sorts before every valid one.
    /// </summary>
    public static int Compare(string? left, string? right)
    {
        var l = TryParse(left, out var a);
        var r = TryParse(right, out var b);
        if (!l || !r)
        {
            return l.CompareTo(r);
        }

        for (var i = 0; i < 4; i++)
        {
            var c = a[i].CompareTo(b[i]);
            if (c != 0)
            {
                return c;
            }
        }

        return 0;
    }

    private static bool TryParse(string? version, out long[] parts)
    {
        parts = new long[4];
        if (string.IsNullOrEmpty(version))
        {
            return false;
        }

        var pieces = version.Split('.');
        if (pieces.Length > 4)
        {
            return false;
        }

        for (var i = 0; i < pieces.Length; i++)
        {
            if (pieces[i].Length is 0 or > 9 || !pieces[i].All(char.IsAsciiDigit))
            {
                return false;
            }

            parts[i] = long.Parse(pieces[i], System.Globalization.CultureInfo.InvariantCulture);
        }

        return true;
    }
}
