namespace Fleet.Shared.Mqtt.Topics;

/// <summary>Topic names, topic filters and matching, as MQTT 5 §4.7 defines them.</summary>
/// <remarks>
/// Pure functions, no I/O and no allocation on the matching path. A filter starting with a wildcard
/// never matches a topic starting with <c>$</c> (<c>$SYS/…</c>); shared subscriptions
/// (<c>$share/group/filter</c>) match by their inner filter.
/// </remarks>
public static class MqttTopic
{
    private const string SharePrefix = "$share/";

    /// <summary>Whether <paramref name="topic"/> may be published to: non-empty, no wildcards, no U+0000, ≤ 65535 UTF-8 bytes.</summary>
    public static bool IsValidTopicName(string topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        return topic.Length > 0 && topic.AsSpan().IndexOfAny('+', '#', '\0') < 0 && Utf8Length(topic) <= ushort.MaxValue;
    }

    /// <summary>Whether <paramref name="filter"/> is a well-formed topic filter (wildcards only as whole levels, <c>#</c> last; valid shared form).</summary>
    public static bool IsValidTopicFilter(string filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (filter.Length == 0 || filter.Contains('\0', StringComparison.Ordinal) || Utf8Length(filter) > ushort.MaxValue)
        {
            return false;
        }

        if (filter.StartsWith(SharePrefix, StringComparison.Ordinal))
        {
            if (!TryParseShared(filter, out var group, out var inner))
            {
                return false;
            }

            return group.Length > 0 && group.AsSpan().IndexOfAny('+', '#') < 0 && IsValidTopicFilter(inner) && !inner.StartsWith(SharePrefix, StringComparison.Ordinal);
        }

        var levels = filter.AsSpan();
        var start = 0;
        for (var i = 0; i <= levels.Length; i++)
        {
            if (i < levels.Length && levels[i] != '/')
            {
                continue;
            }

            var level = levels[start..i];
            if (level.IndexOfAny('+', '#') >= 0 && level.Length != 1)
            {
                return false;
            }

            if (level is "#" && i != levels.Length)
            {
                return false;
            }

            start = i + 1;
        }

        return true;
    }

    /// <summary>Splits <c>$share/{group}/{filter}</c>; false when <paramref name="filter"/> is not a shared subscription.</summary>
    public static bool TryParseShared(string filter, out string group, out string innerFilter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        group = "";
        innerFilter = filter;
        if (!filter.StartsWith(SharePrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var slash = filter.IndexOf('/', SharePrefix.Length);
        if (slash < 0 || slash == filter.Length - 1)
        {
            return false;
        }

        group = filter[SharePrefix.Length..slash];
        innerFilter = filter[(slash + 1)..];
        return true;
    }

    /// <summary>Whether <paramref name="topic"/> matches <paramref name="filter"/> (<c>+</c> one level, <c>#</c> this level and below).</summary>
    public static bool IsMatch(string topic, string filter)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentNullException.ThrowIfNull(filter);
        if (TryParseShared(filter, out _, out var inner))
        {
            filter = inner;
        }

        if (topic.Length > 0 && topic[0] == '$' && filter.Length > 0 && filter[0] is '+' or '#')
        {
            return false;
        }

        var t = topic.AsSpan();
        var f = filter.AsSpan();
        while (true)
        {
            var fEnd = f.IndexOf('/');
            var fLevel = fEnd < 0 ? f : f[..fEnd];
            if (fLevel is "#")
            {
                return true;
            }

            var tEnd = t.IndexOf('/');
            var tLevel = tEnd < 0 ? t : t[..tEnd];
            if (fLevel is not "+" && !fLevel.SequenceEqual(tLevel))
            {
                return false;
            }

            if (fEnd < 0 || tEnd < 0)
            {
                // "a/#" also matches "a": the filter's remaining level is a lone '#'.
                return fEnd < 0 && tEnd < 0 || (tEnd < 0 && f[(fEnd + 1)..] is "#");
            }

            f = f[(fEnd + 1)..];
            t = t[(tEnd + 1)..];
        }
    }

    private static int Utf8Length(string s) => System.Text.Encoding.UTF8.GetByteCount(s);
}
