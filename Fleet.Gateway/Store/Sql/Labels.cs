using System.Text.Json;

namespace Fleet.Gateway.Store.Sql;

/// <summary>Device labels stored as one JSON object with keys in ordinal order.</summary>
internal static class Labels
{
    public const int MaxCount = 64;

    public static string ToJson(IReadOnlyDictionary<string, string>? labels, string parameterName)
    {
        var sorted = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (labels is not null)
        {
            if (labels.Count > MaxCount)
            {
                throw new ArgumentException($"more than {MaxCount} labels", parameterName);
            }

            foreach (var (key, value) in labels)
            {
                sorted[StoreGuard.Token(key, parameterName)] = StoreGuard.Text(value, parameterName);
            }
        }

        return JsonSerializer.Serialize(sorted, StoreJsonContext.Default.SortedDictionaryStringString);
    }

    public static IReadOnlyDictionary<string, string> FromJson(string json) =>
        JsonSerializer.Deserialize(json, StoreJsonContext.Default.DictionaryStringString)
            ?? throw new InvalidOperationException("stored labels are null");
}
