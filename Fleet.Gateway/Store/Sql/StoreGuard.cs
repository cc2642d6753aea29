using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace Fleet.Gateway.Store.Sql;

/// <summary>Input checks shared by every store, so both databases refuse exactly the same input.</summary>
internal static class StoreGuard
{
    /// <summary>Longest short token (health, diagnosis, outcome, action…).</summary>
    public const int MaxTokenLength = 64;

    /// <summary>Longest free text (reasons, signatures, paths).</summary>
    public const int MaxTextLength = Fleet.Shared.Protocol.WireLimits.MaxTextLength;

    public static string Id(string? value, [CallerArgumentExpression(nameof(value))] string? name = null) =>
        Bounded(value, StoreLimits.MaxIdLength, name);

    public static string Token(string? value, [CallerArgumentExpression(nameof(value))] string? name = null) =>
        Bounded(value, MaxTokenLength, name);

    public static string? OptionalToken(string? value, [CallerArgumentExpression(nameof(value))] string? name = null) =>
        value is null ? null : Bounded(value, MaxTokenLength, name);

    public static string Text(string? value, [CallerArgumentExpression(nameof(value))] string? name = null) =>
        Bounded(value, MaxTextLength, name);

    public static string? OptionalText(string? value, [CallerArgumentExpression(nameof(value))] string? name = null) =>
        value is null ? null : Bounded(value, MaxTextLength, name);

    public static string? OptionalId(string? value, [CallerArgumentExpression(nameof(value))] string? name = null) =>
        value is null ? null : Bounded(value, StoreLimits.MaxIdLength, name);

    public static int Shard(int shard, [CallerArgumentExpression(nameof(shard))] string? name = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shard, name);
        return shard;
    }

    public static int Limit(int limit, [CallerArgumentExpression(nameof(limit))] string? name = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit, name);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, StoreLimits.MaxPageSize, name);
        return limit;
    }

    /// <summary>Valid JSON of at most <see cref="StoreLimits.MaxJsonBytes"/> UTF-8 bytes, stored verbatim.</summary>
    public static string Json(string? value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, name);
        if (value.Length > StoreLimits.MaxJsonBytes || Encoding.UTF8.GetByteCount(value) > StoreLimits.MaxJsonBytes)
        {
            throw new ArgumentException($"JSON larger than {StoreLimits.MaxJsonBytes} bytes", name);
        }

        try
        {
            using var document = JsonDocument.Parse(value);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"not valid JSON: {ex.Message}", name, ex);
        }

        return value;
    }

    public static TimeSpan Positive(TimeSpan value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero, name);
        return value;
    }

    private static string Bounded(string? value, int maxLength, string? name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, name);
        if (value.Length > maxLength)
        {
            throw new ArgumentException($"longer than {maxLength} characters", name);
        }

        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                throw new ArgumentException("contains a control character", name);
            }
        }

        return value;
    }
}
