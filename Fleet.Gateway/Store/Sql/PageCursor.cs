using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Fleet.Gateway.Store.Sql;

/// <summary>Opaque keyset cursors: the sort key of the last row of a page, base64url-encoded.</summary>
internal static class PageCursor
{
    public static string FromText(string key) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(key));

    public static string ToText(string cursor, string parameterName)
    {
        try
        {
            return Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
        }
        catch (FormatException ex)
        {
            throw new ArgumentException("not a cursor this store issued", parameterName, ex);
        }
    }

    public static string FromNumbers(long first, long second) =>
        FromText(string.Create(CultureInfo.InvariantCulture, $"{first}:{second}"));

    public static (long First, long Second) ToNumbers(string cursor, string parameterName)
    {
        var text = ToText(cursor, parameterName);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0
            && long.TryParse(text.AsSpan(0, colon), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var first)
            && long.TryParse(text.AsSpan(colon + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var second))
        {
            return (first, second);
        }

        throw new ArgumentException("not a cursor this store issued", parameterName);
    }
}
