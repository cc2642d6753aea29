using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Fleet.Shared.Protocol;

/// <summary>The documented rules a schema alone does not express (docs/PROTOCOL.md, "Encoding rules" and "Limits").</summary>
/// <remarks>
/// <see cref="CheckTokens"/> runs over the raw payload (every string valid UTF-8, every number finite);
/// <see cref="Check(object)"/> over the decoded value (counters non-negative, identifiers and texts within
/// <see cref="WireLimits"/>, the heal <c>trigger</c> one of its names). Each returns why the payload breaks
/// them, or null.
/// </remarks>
internal static class WireRules
{
    /// <summary>The heal <c>trigger</c> names of docs/PROTOCOL.md.</summary>
    public static readonly IReadOnlySet<string> HealTriggers = new HashSet<string>(StringComparer.Ordinal)
    {
        "digest", "kl", "drift", "activations", "latency", "command", "artifact", "crash",
    };

    public static string? CheckTokens(ReadOnlySpan<byte> payload, JsonReaderOptions options)
    {
        var reader = new Utf8JsonReader(payload, options);
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.Number:
                    if (!reader.TryGetDouble(out var number) || !double.IsFinite(number))
                    {
                        return $"number {Encoding.UTF8.GetString(reader.ValueSpan)} is not a finite double";
                    }

                    break;
                case JsonTokenType.String or JsonTokenType.PropertyName:
                    if (!IsValidText(ref reader))
                    {
                        return reader.TokenType == JsonTokenType.PropertyName ? "a field name is not valid UTF-8" : "a string is not valid UTF-8";
                    }

                    break;
            }
        }

        return null;
    }

    public static string? Check(object value) => value switch
    {
        StatusMessage m => Counter(m.Seq, m.Epoch) ?? Text(m.Agent, "agent"),
        ReportMessage m => Counter(m.Seq, m.Epoch) ?? NonNegative(m.DesiredVersion, "desiredVersion") ?? Model(m.Model) ?? Text(m.Agent, "agent")
            ?? (m.CannotApply is { } c ? NonNegative(c.Version, "cannotApply.version") ?? Text(c.Reason, "cannotApply.reason") : null),
        TelemetryMessage m => Counter(m.Seq, m.Epoch) ?? NonNegative(m.Inferences, "inferences") ?? NonNegative(m.Heals, "heals") ?? NonNegative(m.Window, "window"),
        HealEvent e => Counter(e.Seq, e.Epoch) ?? Id(e.Id, "id") ?? Trigger(e.Trigger) ?? OptionalId(e.ModelVersion, "modelVersion") ?? Rungs(e.Rungs),
        InsightEvent e => Counter(e.Seq, e.Epoch) ?? Text(e.Signature, "signature", required: true, plain: true) ?? OptionalId(e.ModelVersion, "modelVersion"),
        UpdateEvent e => Counter(e.Seq, e.Epoch) ?? NonNegative(e.DesiredVersion, "desiredVersion") ?? OptionalId(e.ModelVersion, "modelVersion") ?? Text(e.Reason, "reason"),
        ValidationEvent e => Counter(e.Seq, e.Epoch) ?? OptionalId(e.CommandId, "commandId") ?? OptionalId(e.ModelVersion, "modelVersion")
            ?? NonNegative(e.Cases, "cases") ?? NonNegative(e.Failures, "failures"),
        // An empty signature or hash decodes: the device refuses that update itself and says why in its report.
        DesiredState d => NonNegative(d.Version, "version")
            ?? (d.Model is { } m ? Id(m.Id, "model.id") ?? Id(m.Version, "model.version") ?? Text(m.Url, "model.url") ?? Text(m.Sha256, "model.sha256") ?? Text(m.Signature, "model.signature") : null),
        CommandRequest c => Id(c.Id, "id") ?? Id(c.Name, "name") ?? Text(c.ResponseTopic, "responseTopic"),
        CommandResult r => Counter(r.Seq, r.Epoch) ?? Id(r.Id, "id") ?? Text(r.Error, "error"),
        _ => null,
    };

    private static string? Counter(long? seq, long? epoch) =>
        seq < 0 ? $"seq {seq} is negative (a device counter starts at 0 or 1 and only increases)"
        : epoch < 0 ? $"epoch {epoch} is negative"
        : null;

    private static string? NonNegative(double? value, string name) => value < 0 ? $"{name} {value} is negative" : null;

    private static string? Model(ModelInfo? model) =>
        model is null ? null : Id(model.Id, "model.id") ?? Id(model.Version, "model.version") ?? Text(model.Sha256, "model.sha256") ?? Text(model.Note, "model.note");

    private static string? Trigger(string? trigger) =>
        trigger is null || HealTriggers.Contains(trigger) ? null : $"trigger \"{Shorten(trigger)}\" is not one of {string.Join(", ", HealTriggers)}";

    private static string? Rungs(IReadOnlyList<HealRungResult>? rungs)
    {
        if (rungs is null)
        {
            return null;
        }

        foreach (var rung in rungs)
        {
            if (rung is null)
            {
                return "rungs contains null";
            }

            if (Text(rung.Detail, "rungs[].detail") is { } problem)
            {
                return problem;
            }

            if (rung.DurationMs < 0)
            {
                return $"rungs[].durationMs {rung.DurationMs} is negative";
            }
        }

        return null;
    }

    private static string? OptionalId(string? value, string name) => value is null ? null : Id(value, name);

    private static string? Id(string? value, string name)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return $"{name} is empty";
        }

        if (value.Length > WireLimits.MaxIdLength)
        {
            return $"{name} is {value.Length} characters long (at most {WireLimits.MaxIdLength})";
        }

        return value.Any(char.IsControl) ? $"{name} contains a control character" : null;
    }

    private static string? Text(string? value, string name, bool required = false, bool plain = false)
    {
        if (value is null)
        {
            return required ? $"{name} is missing" : null;
        }

        if (required && string.IsNullOrWhiteSpace(value))
        {
            return $"{name} is empty";
        }

        if (value.Length > WireLimits.MaxTextLength)
        {
            return $"{name} is {value.Length} characters long (at most {WireLimits.MaxTextLength})";
        }

        return plain && value.Any(char.IsControl) ? $"{name} contains a control character" : null;
    }

    private static bool IsValidText(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return !reader.HasValueSequence && Utf8.IsValid(reader.ValueSpan);
        }

        // An escaped string may spell a lone surrogate (\ud800), which is no Unicode text either.
        string text;
        try
        {
            text = reader.GetString() ?? "";
        }
        catch (InvalidOperationException)
        {
            return false;
        }

        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static string Shorten(string text) => text.Length <= 32 ? text : text[..32] + "…";
}
