using System.Diagnostics.CodeAnalysis;

namespace Fleet.Shared.Protocol;

/// <summary>A decoded value or the reason decoding failed; decoding foreign input never throws.</summary>
public readonly record struct WireResult<T>
{
    private WireResult(T? value, WireError? error)
    {
        Value = value;
        Error = error;
    }

    /// <summary>The decoded value when <see cref="IsSuccess"/>.</summary>
    public T? Value { get; }

    /// <summary>Why decoding failed, when it did.</summary>
    public WireError? Error { get; }

    /// <summary>True when <see cref="Value"/> holds the decoded value.</summary>
    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;

    /// <summary>A success.</summary>
    public static WireResult<T> Success(T value) => new(value, null);

    /// <summary>A failure.</summary>
    public static WireResult<T> Failure(WireErrorKind kind, string message) => new(default, new WireError(kind, message));
}
